import type { Job } from '@/api/contract'
import { getJob } from '@/api/jobs'

/** Polls a job until it has finished (succeeded, failed or cancelled) and answers it as it ended. */
export async function waitForJob(job: Job, onProgress?: (job: Job) => void): Promise<Job> {
  let current = job
  while (!['succeeded', 'failed', 'cancelled'].includes(current.status)) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    current = await getJob(current.id)
    onProgress?.(current)
  }
  return current
}
