import type { DashboardSummary } from '@/api/contract'
import { http } from './http'

export function getDashboardSummary(
  signal?: AbortSignal,
  background = false,
): Promise<DashboardSummary> {
  return http.get<DashboardSummary>('/api/dashboard/summary', { signal, background })
}
