import type { LogChainState, LogEntryPage } from '@/api/contract'
import type { operations } from '@/api/schema'
import { buildUrl, http } from './http'

/** Query parameters of `GET /api/logs/operations`, as the OpenAPI document declares them. */
export type LogSearchParams = NonNullable<operations['Logs_Operations']['parameters']['query']>

export function searchLogs(params: LogSearchParams, signal?: AbortSignal): Promise<LogEntryPage> {
  return http.get<LogEntryPage>('/api/logs/operations', { query: params, signal })
}

export function verifyLogChain(signal?: AbortSignal): Promise<LogChainState> {
  return http.get<LogChainState>('/api/logs/verify', { signal })
}

export function logExportUrl(params: LogSearchParams): string {
  return buildUrl('/api/logs/operations.xlsx', params)
}
