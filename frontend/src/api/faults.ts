import type {
  FaultAssignee,
  FaultDetail,
  FaultPage,
  FaultReportRequest,
  FaultTicket,
} from '@/api/contract'
import { buildUrl, http } from './http'

/** Fault tickets (故障申报, VI-12): report from the player, then assign, handle, verify, close. */
export function reportFault(request: FaultReportRequest): Promise<FaultTicket> {
  return http.post<FaultTicket>('/api/video/faults', request)
}

export function listFaults(
  query: { state?: string[]; mine?: string; deviceId?: number; page: number; pageSize: number },
  signal?: AbortSignal,
): Promise<FaultPage> {
  return http.get<FaultPage>('/api/video/faults', { query, signal })
}

export function getFault(id: number, signal?: AbortSignal): Promise<FaultDetail> {
  return http.get<FaultDetail>(`/api/video/faults/${id}`, { signal })
}

export const faultSnapshotUrl = (id: number) => buildUrl(`/api/video/faults/${id}/snapshot`)

/** The users the fault can go to: they may watch video and its device is one of theirs. */
export function faultAssignees(id: number, signal?: AbortSignal): Promise<FaultAssignee[]> {
  return http.get<FaultAssignee[]>(`/api/video/faults/${id}/assignees`, { signal })
}

export function assignFault(
  id: number,
  assigneeId: number,
  comment?: string,
): Promise<FaultTicket> {
  return http.post<FaultTicket>(`/api/video/faults/${id}/assign`, { assigneeId, comment })
}

export function handleFault(id: number, comment: string): Promise<FaultTicket> {
  return http.post<FaultTicket>(`/api/video/faults/${id}/handle`, { comment })
}

export function verifyFault(id: number, passed: boolean, comment?: string): Promise<FaultTicket> {
  return http.post<FaultTicket>(`/api/video/faults/${id}/verify`, { passed, comment })
}

export function closeFault(id: number, comment?: string): Promise<FaultTicket> {
  return http.post<FaultTicket>(`/api/video/faults/${id}/close`, { comment })
}
