import type {
  FrameCaptures,
  LiveVideo,
  OpenStreams,
  Playback,
  PtzRequest,
  PtzState,
  VideoFrames,
} from '@/api/contract'
import { buildUrl, http } from './http'

/** Opens a device's live video: a signed HLS playlist URL for this session, valid until `expiresAt`. */
export function openLive(deviceId: number, signal?: AbortSignal): Promise<LiveVideo> {
  return http.post<LiveVideo>('/api/video/live', { deviceId }, { signal })
}

/** Tells the node the player closed a device's live video (it stops counting towards the stream limit). */
export function closeLive(deviceId: number): Promise<void> {
  return http.delete<void>(`/api/video/live/${deviceId}`)
}

export function getOpenStreams(signal?: AbortSignal): Promise<OpenStreams> {
  return http.get<OpenStreams>('/api/video/streams', { signal })
}

export const snapshotUrl = (deviceId: number) => buildUrl(`/api/devices/${deviceId}/snapshot`)

/** Opens a device's recorded video of [from, to): a signed HLS VOD playlist that starts at `from`. */
export function openPlayback(
  deviceId: number,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<Playback> {
  return http.post<Playback>('/api/video/playback', { deviceId, from, to }, { signal })
}

export const recordingUrl = (deviceId: number, from: string, to: string) =>
  buildUrl(`/api/devices/${deviceId}/recording`, { from, to })

/** Moves a dome camera (move, zoom, presets) and answers where it looks now and its presets. */
export function ptz(deviceId: number, command: PtzRequest): Promise<PtzState> {
  return http.post<PtzState>(`/api/devices/${deviceId}/ptz`, command)
}

export function ptzState(deviceId: number, signal?: AbortSignal): Promise<PtzState> {
  return http.get<PtzState>(`/api/devices/${deviceId}/ptz`, { signal })
}

/** The five frames of a device's recorded video around a moment (VC-16), watermarked and kept for the caller. */
export function takeFrames(deviceId: number, at: string): Promise<VideoFrames> {
  return http.post<VideoFrames>('/api/video/frames', { deviceId, at })
}

export const frameUrl = (id: number) => buildUrl(`/api/video/frames/${id}`)

/**
 * Makes each face, person and vehicle the node's models find in a frame the caller took a capture (once per
 * frame), so that it can be staged, favourited and searched like any other.
 */
export function frameCaptures(id: number): Promise<FrameCaptures> {
  return http.post<FrameCaptures>(`/api/video/frames/${id}/captures`)
}
