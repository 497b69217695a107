import type {
  Capture,
  CaptureBox,
  CapturePage,
  CaptureType,
  ChangedResponse,
  CoTravellers,
  DetectResponse,
  FavouriteGroup,
  FavouritePage,
  IdentityResponse,
  ImageSearchResponse,
  SearchHistoryEntry,
  ShelfArchive,
  ShelfResponse,
  Trajectory,
  VehicleOwner,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { buildUrl, http } from './http'

/** Query parameters of `GET /api/captures`, as the OpenAPI document declares them. */
export type CaptureSearchParams = NonNullable<operations['Captures_Search']['parameters']['query']>

/** The filters of a search by image besides the image itself. */
export interface ImageSearchFilters {
  threshold: number
  from?: string
  to?: string
  organisationId?: number
  polygon?: string
  limit?: number
  remember?: boolean
}

export function searchCaptures(
  params: CaptureSearchParams,
  signal?: AbortSignal,
): Promise<CapturePage> {
  return http.get<CapturePage>('/api/captures', { query: params, signal })
}

export function getCapture(id: number, signal?: AbortSignal): Promise<Capture> {
  return http.get<Capture>(`/api/captures/${id}`, { signal })
}

export const captureImageUrl = (id: number) => buildUrl(`/api/captures/${id}/image`)
export const captureSceneUrl = (id: number) => buildUrl(`/api/captures/${id}/scene`)
export const personPhotoUrl = (id: number) => buildUrl(`/api/persons/${id}/photo`)
export const historyImageUrl = (id: number) => buildUrl(`/api/search/history/${id}/image`)

export function detect(image: Blob): Promise<DetectResponse> {
  const form = new FormData()
  form.append('image', image, 'upload.jpg')
  return http.post<DetectResponse>('/api/detect', form)
}

/** Search by an uploaded image: the target of `type` in `box` (or the largest one). */
export function searchByImage(
  image: Blob,
  type: CaptureType,
  box: CaptureBox | null,
  filters: ImageSearchFilters,
): Promise<ImageSearchResponse> {
  const form = new FormData()
  form.append('image', image, 'upload.jpg')
  form.append('type', type)
  if (box) {
    form.append('box', `${box.x},${box.y},${box.width},${box.height}`)
  }
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null && value !== '') {
      form.append(key, String(value))
    }
  }
  return http.post<ImageSearchResponse>('/api/search/image', form)
}

/** Search with a capture already in the system. */
export function searchByCapture(
  captureId: number,
  filters: ImageSearchFilters,
): Promise<ImageSearchResponse> {
  return http.post<ImageSearchResponse>('/api/search/image', { captureId, ...filters })
}

export function identify(captureId: number): Promise<IdentityResponse> {
  return http.get<IdentityResponse>(`/api/captures/${captureId}/identity`)
}

export function coTravellers(
  captureId: number,
  windowSeconds: number,
  minTimes: number,
): Promise<CoTravellers> {
  return http.get<CoTravellers>(`/api/captures/${captureId}/co-travellers`, {
    query: { windowSeconds, minTimes },
  })
}

export function vehicleOwner(plate: string): Promise<VehicleOwner> {
  return http.get<VehicleOwner>(`/api/vehicles/${encodeURIComponent(plate)}`)
}

export const favourites = {
  groups: () => http.get<FavouriteGroup[]>('/api/capture-favourites'),
  create: (name: string) => http.post<FavouriteGroup>('/api/capture-favourites', { name }),
  rename: (id: number, name: string) => http.put<void>(`/api/capture-favourites/${id}`, { name }),
  remove: (id: number) => http.delete<void>(`/api/capture-favourites/${id}`),
  items: (id: number, page: number, pageSize: number, signal?: AbortSignal) =>
    http.get<FavouritePage>(`/api/capture-favourites/${id}/items`, {
      query: { page, pageSize },
      signal,
    }),
  add: (id: number, captureIds: number[]) =>
    http.post<ChangedResponse>(`/api/capture-favourites/${id}/items`, { captureIds }),
  removeItems: (id: number, captureIds: number[]) =>
    http.post<ChangedResponse>(`/api/capture-favourites/${id}/items/remove`, { captureIds }),
  copy: (id: number, toGroupId: number) =>
    http.post<ChangedResponse>(`/api/capture-favourites/${id}/copy`, { toGroupId }),
}

export const history = {
  list: () => http.get<SearchHistoryEntry[]>('/api/search/history'),
  clear: () => http.delete<ChangedResponse>('/api/search/history'),
}

export const shelf = {
  get: (archiveId?: number) => http.get<ShelfResponse>('/api/shelf', { query: { archiveId } }),
  add: (captureIds: number[], status?: 'confirmed' | 'suspected') =>
    http.post<ChangedResponse>('/api/shelf/items', { captureIds, status }),
  update: (captureId: number, status: string, note?: string) =>
    http.put<void>(`/api/shelf/items/${captureId}`, { status, note }),
  remove: (captureIds: number[]) =>
    http.post<ChangedResponse>('/api/shelf/items/remove', { captureIds }),
  trajectory: (archiveId?: number, status?: string) =>
    http.get<Trajectory>('/api/shelf/trajectory', { query: { archiveId, status } }),
  archives: () => http.get<ShelfArchive[]>('/api/shelf/archives'),
  archive: (name: string) => http.post<ShelfArchive>('/api/shelf/archives', { name }),
  restore: (id: number) => http.post<ChangedResponse>(`/api/shelf/archives/${id}/restore`),
  deleteArchive: (id: number) => http.delete<void>(`/api/shelf/archives/${id}`),
  exportUrl: (archiveId?: number) => buildUrl('/api/shelf/export', { archiveId }),
}
