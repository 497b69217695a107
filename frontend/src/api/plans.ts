import type {
  PlanDirectory,
  PlanDocument,
  PlanExecuteResponse,
  PlanImportResponse,
  PlanListResponse,
  PlanRequest,
  PlanResponse,
  PlanStats,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { http } from './http'

export type PlanListParams = NonNullable<operations['Plans_List']['parameters']['query']>
export type PlanType = 'basic' | 'task' | 'special'

/** Video plans (视频预案): directory trees, plans, execution in the player and on the wall, import and export. */
export const plans = {
  directories: (signal?: AbortSignal) =>
    http.get<PlanDirectory[]>('/api/plans/directories', { signal }),
  createDirectory: (name: string, parentId: number) =>
    http.post<PlanDirectory>('/api/plans/directories', { name, parentId }),
  updateDirectory: (id: number, name: string, parentId: number, sortOrder?: number) =>
    http.put<PlanDirectory>(`/api/plans/directories/${id}`, {
      name,
      parentId,
      sortOrder: sortOrder ?? null,
    }),
  deleteDirectory: (id: number) => http.delete<void>(`/api/plans/directories/${id}`),
  setDirectoryRoles: (id: number, roleIds: number[]) =>
    http.put<void>(`/api/plans/directories/${id}/roles`, { roleIds }),
  list: (params: PlanListParams, signal?: AbortSignal) =>
    http.get<PlanListResponse>('/api/plans', { query: params, signal }),
  get: (id: number, signal?: AbortSignal) => http.get<PlanResponse>(`/api/plans/${id}`, { signal }),
  create: (body: PlanRequest) => http.post<PlanResponse>('/api/plans', body),
  update: (id: number, body: PlanRequest) => http.put<PlanResponse>(`/api/plans/${id}`, body),
  remove: (id: number) => http.delete<void>(`/api/plans/${id}`),
  clone: (id: number) => http.post<PlanResponse>(`/api/plans/${id}/clone`, {}),
  fromStage: (body: {
    name: string
    directoryId: number
    screens: number
    split: number
    patrolSeconds: number
  }) => http.post<PlanResponse>('/api/plans/from-stage', body),
  execute: (id: number, target: 'player' | 'wall', wallId?: number) =>
    http.post<PlanExecuteResponse>(`/api/plans/${id}/execute`, { target, wallId: wallId ?? null }),
  stats: (signal?: AbortSignal) => http.get<PlanStats>('/api/plans/stats', { signal }),
  exportOne: (id: number) => http.get<PlanDocument>(`/api/plans/${id}/export`),
  exportDirectory: (directoryId: number | null) =>
    http.get<PlanDocument>('/api/plans/export', {
      query: { directoryId: directoryId ?? undefined },
    }),
  import: (directoryId: number, document: unknown) =>
    http.post<PlanImportResponse>('/api/plans/import', document, { query: { directoryId } }),
}
