import type {
  DeviceAreaRequest,
  ImportReport,
  Job,
  MapConfig,
  DeviceAreaResponse,
  DeviceField,
  DeviceFile,
  DeviceMap,
  DeviceRule,
  DeviceSearchResponse,
  DeviceVersion,
  DictionaryItem,
  TreeNode,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { buildUrl, http } from './http'

/** Query parameters of `GET /api/devices/search`, as the OpenAPI document declares them. */
export type DeviceSearchParams = NonNullable<operations['Devices_Search']['parameters']['query']>

/** Sort orders of device search. */
export type DeviceSortKey = NonNullable<DeviceSearchParams['sort']>

/** Values of the device file by field key (invariant text; empty fields are null). */
export type FieldValues = Record<string, string | null>

export function searchDevices(
  params: DeviceSearchParams,
  signal?: AbortSignal,
): Promise<DeviceSearchResponse> {
  return http.get<DeviceSearchResponse>('/api/devices/search', { query: params, signal })
}

export function selectDevicesInArea(
  body: DeviceAreaRequest,
  signal?: AbortSignal,
): Promise<DeviceAreaResponse> {
  return http.post<DeviceAreaResponse>('/api/devices/select', body, { signal })
}

export function getDeviceMap(signal?: AbortSignal): Promise<DeviceMap> {
  return http.get<DeviceMap>('/api/devices/map', { signal })
}

export function getDevice(id: number, signal?: AbortSignal): Promise<DeviceFile> {
  return http.get<DeviceFile>(`/api/devices/${id}`, { signal })
}

export function getDeviceVersions(id: number, signal?: AbortSignal): Promise<DeviceVersion[]> {
  return http.get<DeviceVersion[]>(`/api/devices/${id}/versions`, { signal })
}

export function createDevice(fields: FieldValues): Promise<DeviceFile> {
  return http.post<DeviceFile>('/api/devices', { fields })
}

export function updateDevice(
  id: number,
  version: number,
  fields: FieldValues,
): Promise<DeviceFile> {
  return http.put<DeviceFile>(`/api/devices/${id}`, { version, fields })
}

export function deleteDevice(id: number, version: number): Promise<void> {
  return http.delete<void>(`/api/devices/${id}`, { query: { version } })
}

export function listFields(signal?: AbortSignal): Promise<DeviceField[]> {
  return http.get<DeviceField[]>('/api/archive/fields', { signal })
}

export function listDictionaryItems(signal?: AbortSignal): Promise<DictionaryItem[]> {
  return http.get<DictionaryItem[]>('/api/archive/dictionaries', { signal })
}

export function listRules(signal?: AbortSignal): Promise<DeviceRule[]> {
  return http.get<DeviceRule[]>('/api/archive/rules', { signal })
}

export type TreeKind = 'business-groups' | 'regions' | 'organisations'

export function getTree(kind: TreeKind, signal?: AbortSignal): Promise<TreeNode[]> {
  return http.get<TreeNode[]>(`/api/archive/trees/${kind}`, { signal })
}

export type ImportMode = 'allOrNothing' | 'validRowsOnly'

/** Uploads a spreadsheet for import; the answer is the import job (its report when it has finished). */
export function uploadImport(file: File, mode: ImportMode): Promise<Job> {
  const form = new FormData()
  form.append('file', file)
  return http.post<Job>('/api/devices/import', form, { query: { mode } })
}

export function getImportReport(jobId: string, signal?: AbortSignal): Promise<ImportReport> {
  return http.get<ImportReport>(`/api/devices/imports/${encodeURIComponent(jobId)}`, { signal })
}

/** Download URLs (plain GETs with the session cookie). */
export const downloads = {
  template: () => buildUrl('/api/devices/template'),
  export: (params: DeviceSearchParams) => buildUrl('/api/devices/export', params),
  importReport: (jobId: string) =>
    buildUrl(`/api/devices/imports/${encodeURIComponent(jobId)}/report.xlsx`),
  versions: (id: number) => buildUrl(`/api/devices/${id}/versions.xlsx`),
}

export function getMapConfig(signal?: AbortSignal): Promise<MapConfig> {
  return http.get<MapConfig>('/api/map/config', { signal })
}

/** The district outline (a GeoJSON Feature), the map's offline base layer. */
export function getDistrictOutline(signal?: AbortSignal): Promise<GeoJSON.GeoJsonObject> {
  return http.get<GeoJSON.GeoJsonObject>('/api/map/district', { signal })
}
