import type { AnomalyPage, BehaviourRun, Job, OperationStats } from '@/api/contract'
import type { operations } from '@/api/schema'
import { http } from './http'

/** Query parameters of `GET /api/audit/anomalies`. */
export type AnomalySearchParams = NonNullable<operations['Audit_Anomalies']['parameters']['query']>

export const searchAnomalies = (params: AnomalySearchParams, signal?: AbortSignal) =>
  http.get<AnomalyPage>('/api/audit/anomalies', { query: params, signal })
export const behaviourRuns = (signal?: AbortSignal) =>
  http.get<BehaviourRun[]>('/api/audit/runs', { signal })
export const startBehaviourRun = () => http.post<Job>('/api/audit/runs')
export const operationStats = (days: number, signal?: AbortSignal) =>
  http.get<OperationStats>('/api/stats/operations', { query: { days }, signal })
