export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface Job {
  id: string
  kind: string
  title: string
  status: JobStatus
  /** 0..1 */
  progress: number
  message: string | null
  error: string | null
  result: string | null
  createdBy: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  cancelRequested: boolean
}

export interface Page<T> {
  items: T[]
  total: number
}
