import type { DeviceStage, VideoFavouriteGroup, VideoHistory } from '@/api/contract'
import { http } from './http'

export const favourites = {
  list: (signal?: AbortSignal) =>
    http.get<VideoFavouriteGroup[]>('/api/video/favourites', { signal }),
  create: (name: string) => http.post<VideoFavouriteGroup>('/api/video/favourites', { name }),
  rename: (id: number, name: string) => http.put<void>(`/api/video/favourites/${id}`, { name }),
  remove: (id: number) => http.delete<void>(`/api/video/favourites/${id}`),
  setDevices: (id: number, deviceIds: number[]) =>
    http.put<VideoFavouriteGroup>(`/api/video/favourites/${id}/devices`, { deviceIds }),
}

export const viewingHistory = {
  list: (page: number, pageSize: number, signal?: AbortSignal) =>
    http.get<VideoHistory>('/api/video/history', { query: { page, pageSize }, signal }),
  clear: () => http.delete<void>('/api/video/history'),
}

/** The user's device staging rack (设备暂存), in the order the devices were added. */
export const deviceStage = {
  list: (signal?: AbortSignal) => http.get<DeviceStage>('/api/video/stage', { signal }),
  add: (deviceIds: number[]) => http.post<DeviceStage>('/api/video/stage', { deviceIds }),
  remove: (deviceId: number) => http.delete<void>(`/api/video/stage/${deviceId}`),
  clear: () => http.delete<void>('/api/video/stage'),
}
