import type { Wall, WallRequest, WallSummary } from '@/api/contract'
import { buildUrl, http } from './http'

/** The video walls (电视墙): list, CRUD, and the console's commands; each command answers the wall as it is now. */
export function listWalls(signal?: AbortSignal): Promise<WallSummary[]> {
  return http.get<WallSummary[]>('/api/walls', { signal })
}

export function getWall(id: number, signal?: AbortSignal): Promise<Wall> {
  return http.get<Wall>(`/api/walls/${id}`, { signal })
}

export function createWall(wall: WallRequest): Promise<WallSummary> {
  return http.post<WallSummary>('/api/walls', wall)
}

export function updateWall(id: number, wall: WallRequest): Promise<WallSummary> {
  return http.put<WallSummary>(`/api/walls/${id}`, wall)
}

export function deleteWall(id: number): Promise<void> {
  return http.delete<void>(`/api/walls/${id}`)
}

/** Sends a device (or, with null, nothing) to a cell of the page a screen shows. */
export function sendCell(
  id: number,
  screen: number,
  cell: number,
  deviceId: number | null,
): Promise<Wall> {
  return http.put<Wall>(`/api/walls/${id}/screens/${screen}/cells/${cell}`, { deviceId })
}

/** Sends a whole screen: split and devices from the first cell; patrolSeconds starts a patrol of its pages. */
export function sendScreen(
  id: number,
  screen: number,
  split: number,
  deviceIds: (number | null)[],
  patrolSeconds?: number,
): Promise<Wall> {
  return http.put<Wall>(`/api/walls/${id}/screens/${screen}`, { split, deviceIds, patrolSeconds })
}

export function setSplit(id: number, screen: number, split: number): Promise<Wall> {
  return http.put<Wall>(`/api/walls/${id}/screens/${screen}/split`, { split })
}

export function swapCells(
  id: number,
  from: { screen: number; cell: number },
  to: { screen: number; cell: number },
): Promise<Wall> {
  return http.post<Wall>(`/api/walls/${id}/swap`, {
    fromScreen: from.screen,
    fromCell: from.cell,
    toScreen: to.screen,
    toCell: to.cell,
  })
}

export function pageScreen(id: number, screen: number, step: 1 | -1): Promise<Wall> {
  return http.post<Wall>(`/api/walls/${id}/screens/${screen}/page`, { step })
}

export function patrolScreen(
  id: number,
  screen: number,
  running: boolean,
  intervalSeconds: number,
): Promise<Wall> {
  return http.post<Wall>(`/api/walls/${id}/screens/${screen}/patrol`, { running, intervalSeconds })
}

/** Empties one screen, or the whole wall when `screen` is null. */
export function clearWall(id: number, screen: number | null): Promise<Wall> {
  return http.post<Wall>(`/api/walls/${id}/clear`, { screen })
}

/** Shows the wall's state again everywhere; the wall pages reopen every stream. */
export function syncWall(id: number): Promise<Wall> {
  return http.post<Wall>(`/api/walls/${id}/sync`, {})
}

/**
 * Follows a wall's state over server-sent events (`state` at once and after every change, `deleted` when it goes);
 * the browser reconnects by itself after a network or node outage. Returns the function that stops following.
 */
export function followWall(
  id: number,
  handlers: {
    state: (wall: Wall) => void
    deleted: () => void
    connection: (open: boolean) => void
    /** The node no longer knows the session (signed out, idle, expired): sign in again. */
    signedOut?: () => void
  },
  console = false,
): () => void {
  let source: EventSource | null = null
  let retry: number | undefined
  let stopped = false
  const connect = () => {
    source = new EventSource(buildUrl(`/api/walls/${id}/events`, { console: console || undefined }))
    source.addEventListener('state', (event) => {
      handlers.connection(true)
      handlers.state(JSON.parse((event as MessageEvent<string>).data) as Wall)
    })
    source.addEventListener('deleted', () => {
      source?.close()
      handlers.deleted()
    })
    source.onerror = () => {
      handlers.connection(false)
      // The browser retries by itself after a dropped stream; an answer that is not a stream (401, 429, 5xx)
      // closes it: find out why, then start again.
      if (source?.readyState !== EventSource.CLOSED || stopped) return
      void fetch(buildUrl('/api/auth/me'), { credentials: 'include' })
        .then((response) => {
          if (response.status === 401 && handlers.signedOut) handlers.signedOut()
          else retry = window.setTimeout(connect, 5_000)
        })
        .catch(() => (retry = window.setTimeout(connect, 5_000)))
    }
  }
  connect()
  return () => {
    stopped = true
    window.clearTimeout(retry)
    source?.close()
  }
}
