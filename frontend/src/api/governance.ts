// Ledger governance: ministry/province networking points, the data audit, the ledger-sync connector, field rules
// and the notification centre.
import type {
  AuditFindingPage,
  AuditRunDetail,
  AuditRunPage,
  DeviceRule,
  DeviceRuleUpdate,
  Job,
  LedgerSyncBatchDetail,
  LedgerSyncBatchPage,
  LedgerSyncSource,
  NetworkingPointEvent,
  NetworkingPointOutcome,
  NetworkingPointPage,
  NotificationPage,
  Violation,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { http } from './http'

export type NetworkingPointQuery = NonNullable<
  operations['NetworkingPoints_List']['parameters']['query']
>
export type NetworkingLevel = 'ministry' | 'province'
export type NetworkingAction =
  'declare' | 'startReview' | 'approve' | 'reject' | 'reportAbnormal' | 'withdraw'

export function listNetworkingPoints(
  query: NetworkingPointQuery,
  signal?: AbortSignal,
): Promise<NetworkingPointPage> {
  return http.get<NetworkingPointPage>('/api/archive/networking-points', { query, signal })
}

export function markNetworkingPoints(
  deviceIds: number[],
  level: NetworkingLevel,
): Promise<NetworkingPointOutcome> {
  return http.post<NetworkingPointOutcome>('/api/archive/networking-points', { deviceIds, level })
}

export function importNetworkingPoints(file: File): Promise<NetworkingPointOutcome> {
  const form = new FormData()
  form.append('file', file)
  return http.post<NetworkingPointOutcome>('/api/archive/networking-points/import', form)
}

export function applyNetworkingAction(
  action: NetworkingAction,
  deviceIds: number[],
  comment?: string,
): Promise<NetworkingPointOutcome> {
  return http.post<NetworkingPointOutcome>(`/api/archive/networking-points/${action}`, {
    deviceIds,
    comment: comment || null,
  })
}

export function getNetworkingPointEvents(
  deviceId: number,
  signal?: AbortSignal,
): Promise<NetworkingPointEvent[]> {
  return http.get<NetworkingPointEvent[]>(`/api/archive/networking-points/${deviceId}/events`, {
    signal,
  })
}

export function checkNetworkingPoint(deviceId: number, signal?: AbortSignal): Promise<Violation[]> {
  return http.get<Violation[]>(`/api/archive/networking-points/${deviceId}/check`, { signal })
}

export type AuditFindingQuery = NonNullable<operations['Audit_Findings']['parameters']['query']>

export function startAudit(): Promise<Job> {
  return http.post<Job>('/api/archive/audit/runs', undefined)
}

export function listAuditRuns(take = 30, signal?: AbortSignal): Promise<AuditRunPage> {
  return http.get<AuditRunPage>('/api/archive/audit/runs', { query: { skip: 0, take }, signal })
}

export function getAuditRun(id: number, signal?: AbortSignal): Promise<AuditRunDetail> {
  return http.get<AuditRunDetail>(`/api/archive/audit/runs/${id}`, { signal })
}

export function listAuditFindings(
  id: number,
  query: AuditFindingQuery,
  signal?: AbortSignal,
): Promise<AuditFindingPage> {
  return http.get<AuditFindingPage>(`/api/archive/audit/runs/${id}/findings`, { query, signal })
}

export function listSyncSources(signal?: AbortSignal): Promise<LedgerSyncSource[]> {
  return http.get<LedgerSyncSource[]>('/api/archive/sync', { signal })
}

export function listSyncBatches(
  source: string,
  paging: { skip: number; take: number },
  signal?: AbortSignal,
): Promise<LedgerSyncBatchPage> {
  return http.get<LedgerSyncBatchPage>(`/api/archive/sync/${encodeURIComponent(source)}/batches`, {
    query: paging,
    signal,
  })
}

export function getSyncBatch(
  source: string,
  sequence: number,
  signal?: AbortSignal,
): Promise<LedgerSyncBatchDetail> {
  return http.get<LedgerSyncBatchDetail>(
    `/api/archive/sync/${encodeURIComponent(source)}/batches/${sequence}`,
    { signal },
  )
}

export function updateRule(id: string, body: DeviceRuleUpdate): Promise<DeviceRule> {
  return http.put<DeviceRule>(`/api/archive/rules/${encodeURIComponent(id)}`, body)
}

export function listNotifications(
  query: { unreadOnly?: boolean; skip?: number; take?: number },
  signal?: AbortSignal,
  background = false,
): Promise<NotificationPage> {
  return http.get<NotificationPage>('/api/notifications', { query, signal, background })
}

export function markNotificationsRead(ids?: number[]): Promise<{ marked: number }> {
  return http.post<{ marked: number }>('/api/notifications/read', ids ? { ids } : {})
}
