import type { Organisation } from '@/types/organisations'
import { http } from './http'

export function listOrganisations(signal?: AbortSignal): Promise<Organisation[]> {
  return http.get<Organisation[]>('/api/organisations', { signal })
}
