import type {
  DeviceLabel,
  Job,
  PoliceLine,
  SceneImport,
  Tag,
  TagAccess,
  TagAccessSettingRequest,
  TagCreateRequest,
  TagCreateResponse,
  TagGroup,
  TagGroupRequest,
  TagLabelResponse,
  TagRule,
  TagRuleRequest,
  TagStats,
  TagUnitAccess,
  TagUserAccess,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { buildUrl, http } from './http'

export type TagListParams = NonNullable<operations['Tags_List']['parameters']['query']>
export type TagStatsParams = NonNullable<operations['Tags_Stats']['parameters']['query']>
export type TagCategory = 'construction' | 'scene' | 'business' | 'derived'

/** Tags (归类治理数据): dictionaries, labels, merges and recycles (jobs), rules, permissions, statistics. */
export const tags = {
  list: (params: TagListParams, signal?: AbortSignal) =>
    http.get<Tag[]>('/api/tags', { query: params, signal }),
  create: (body: TagCreateRequest) => http.post<TagCreateResponse>('/api/tags', body),
  update: (id: number, name: string, cityCode?: string | null) =>
    http.put<Tag>(`/api/tags/${id}`, { name, cityCode: cityCode ?? null }),
  label: (id: number, deviceIds: number[]) =>
    http.post<TagLabelResponse>(`/api/tags/${id}/labels`, { deviceIds }),
  unlabel: (id: number, deviceId: number) =>
    http.delete<void>(`/api/tags/${id}/labels/${deviceId}`),
  labels: (deviceIds: number[], signal?: AbortSignal) =>
    http.get<DeviceLabel[]>('/api/tags/labels', { query: { deviceId: deviceIds }, signal }),
  labelled: (signal?: AbortSignal) => http.get<number[]>('/api/tags/labelled', { signal }),
  merge: (id: number, targetId: number) => http.post<Job>(`/api/tags/${id}/merge`, { targetId }),
  recycle: (id: number) => http.post<Job>(`/api/tags/${id}/recycle`, null),
  policeLines: (signal?: AbortSignal) =>
    http.get<PoliceLine[]>('/api/tags/police-lines', { signal }),
  groups: (category: 'business' | 'construction', signal?: AbortSignal) =>
    http.get<TagGroup[]>('/api/tags/groups', { query: { category }, signal }),
  createGroup: (body: TagGroupRequest) => http.post<TagGroup>('/api/tags/groups', body),
  updateGroup: (id: number, name: string, level?: string | null) =>
    http.put<void>(`/api/tags/groups/${id}`, { name, level: level ?? null }),
  deleteGroup: (id: number) => http.delete<void>(`/api/tags/groups/${id}`),
  rules: (signal?: AbortSignal) => http.get<TagRule[]>('/api/tags/rules', { signal }),
  createRule: (body: TagRuleRequest) => http.post<TagRule>('/api/tags/rules', body),
  updateRule: (id: number, body: TagRuleRequest) =>
    http.put<TagRule>(`/api/tags/rules/${id}`, body),
  deleteRule: (id: number) => http.delete<void>(`/api/tags/rules/${id}`),
  myAccess: (signal?: AbortSignal) => http.get<TagAccess>('/api/tags/access/me', { signal }),
  unitAccess: (signal?: AbortSignal) =>
    http.get<TagUnitAccess[]>('/api/tags/access/units', { signal }),
  setUnitAccess: (organisationId: number, body: TagAccessSettingRequest) =>
    http.put<void>(`/api/tags/access/units/${organisationId}`, body),
  userAccess: (userId: number, signal?: AbortSignal) =>
    http.get<TagUserAccess>(`/api/tags/access/users/${userId}`, { signal }),
  setUserAccess: (userId: number, body: TagAccessSettingRequest) =>
    http.put<void>(`/api/tags/access/users/${userId}`, body),
  stats: (params: TagStatsParams, signal?: AbortSignal) =>
    http.get<TagStats>('/api/tags/stats', { query: params, signal }),
  statsExportUrl: (params: TagStatsParams) => buildUrl('/api/tags/stats/export', params),
  importScene: (file: File) => {
    const form = new FormData()
    form.append('file', file)
    return http.post<SceneImport>('/api/tags/scene-dictionary', form)
  },
}
