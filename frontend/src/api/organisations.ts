import type { Organisation } from '@/api/contract'
import { http } from './http'

export function listOrganisations(signal?: AbortSignal): Promise<Organisation[]> {
  return http.get<Organisation[]>('/api/organisations', { signal })
}
