import type { Job, JobPage } from '@/api/contract'
import { http } from './http'

export function listJobs(
  paging: { skip?: number; take?: number } = {},
  signal?: AbortSignal,
  background = false,
): Promise<JobPage> {
  return http.get<JobPage>('/api/jobs', {
    query: { skip: paging.skip ?? 0, take: paging.take ?? 20 },
    signal,
    background,
  })
}

export function getJob(id: string, signal?: AbortSignal): Promise<Job> {
  return http.get<Job>(`/api/jobs/${encodeURIComponent(id)}`, { signal })
}

export function cancelJob(id: string, signal?: AbortSignal): Promise<Job> {
  return http.post<Job>(`/api/jobs/${encodeURIComponent(id)}/cancel`, undefined, { signal })
}
