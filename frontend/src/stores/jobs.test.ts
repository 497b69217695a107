import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as jobsApi from '@/api/jobs'
import type { Job, JobStatus } from '@/api/contract'
import { ACTIVE_POLL_MS, IDLE_POLL_MS, useJobsStore } from './jobs'

vi.mock('@/api/jobs', () => ({ listJobs: vi.fn(), cancelJob: vi.fn(), getJob: vi.fn() }))

function job(id: string, status: JobStatus): Job {
  return {
    id,
    kind: 'demo-seed',
    title: 'Seed',
    status,
    progress: 0.5,
    message: null,
    error: null,
    result: null,
    createdBy: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    cancelRequested: false,
    attempts: 1,
  }
}

describe('jobs store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    vi.mocked(jobsApi.listJobs).mockReset()
  })

  afterEach(() => {
    useJobsStore().stopPolling()
    vi.useRealTimers()
  })

  it('polls every 2 s while a job is active, then every 15 s', async () => {
    vi.mocked(jobsApi.listJobs)
      .mockResolvedValueOnce({ items: [job('a', 'running')], total: 1 })
      .mockResolvedValueOnce({ items: [job('a', 'succeeded')], total: 1 })
      .mockResolvedValue({ items: [job('a', 'succeeded')], total: 1 })
    const jobs = useJobsStore()

    await jobs.startPolling()
    expect(jobs.activeCount).toBe(1)
    expect(jobsApi.listJobs).toHaveBeenCalledTimes(1)

    await vi.advanceTimersByTimeAsync(ACTIVE_POLL_MS)
    expect(jobsApi.listJobs).toHaveBeenCalledTimes(2)
    expect(jobs.activeCount).toBe(0)

    await vi.advanceTimersByTimeAsync(ACTIVE_POLL_MS * 2)
    expect(jobsApi.listJobs).toHaveBeenCalledTimes(2)

    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS)
    expect(jobsApi.listJobs).toHaveBeenCalledTimes(3)
  })

  it('stops polling', async () => {
    vi.mocked(jobsApi.listJobs).mockResolvedValue({ items: [job('a', 'queued')], total: 1 })
    const jobs = useJobsStore()

    await jobs.startPolling()
    jobs.stopPolling()
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS * 2)

    expect(jobsApi.listJobs).toHaveBeenCalledTimes(1)
  })
})
