import type { ProblemDetails } from '@/api/contract'

/** Error thrown for every non-2xx response; carries the server's RFC 9457 problem details. */
export class ApiError extends Error {
  readonly status: number
  readonly problem: ProblemDetails

  constructor(status: number, problem: ProblemDetails) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
  }

  /** Field validation messages (`errors` member of a validation problem), flattened per field. */
  get fieldErrors(): Record<string, string[]> {
    return this.problem.errors ?? {}
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError'
}

type UnauthorizedHandler = () => void

let unauthorizedHandler: UnauthorizedHandler | null = null

/** Registers the callback run when any request (other than ones opting out) answers 401. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler
}

export type QueryValue = string | number | boolean | null | undefined

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  query?: Record<string, QueryValue | readonly QueryValue[]>
  signal?: AbortSignal
  /** When true a 401 is only thrown, without notifying the unauthorized handler (login, me probe). */
  skipUnauthorizedHandler?: boolean
  /**
   * Marks an automatic refresh (polling), which the server does not count as user activity, so an unattended
   * tab still reaches the idle-session timeout.
   */
  background?: boolean
  /** Read the answer as a Blob (images) instead of JSON. */
  blob?: boolean
}

/** Header that marks automatic refreshes; see {@link RequestOptions.background}. */
export const BACKGROUND_HEADER = 'X-CityEye-Background'

/**
 * Header every request of the SPA carries; the server refuses state-changing cookie requests without it (a
 * cross-site form cannot set it), see the README's "Sessions and CSRF".
 */
export const REQUEST_HEADER = 'X-CityEye-Request'

const baseUrl: string = import.meta.env.VITE_API_BASE_URL ?? ''

/** The API URL of `path` with `query`; an array value repeats its parameter (`type=a&type=b`). */
export function buildUrl(
  path: string,
  query?: Record<string, QueryValue | readonly QueryValue[]>,
): string {
  let url = `${baseUrl}${path}`
  if (query) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null && item !== '') {
          params.append(key, String(item))
        }
      }
    }
    const qs = params.toString()
    if (qs) {
      url += (url.includes('?') ? '&' : '?') + qs
    }
  }
  return url
}

async function readProblem(response: Response): Promise<ProblemDetails> {
  const contentType = response.headers.get('content-type') ?? ''
  if (contentType.includes('json')) {
    try {
      const body: unknown = await response.json()
      if (body && typeof body === 'object') {
        return { status: response.status, ...(body as ProblemDetails) }
      }
    } catch {
      // fall through to a synthesised problem
    }
  }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}` }
}

/** Performs a JSON request against the CityEye API and returns the parsed body. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const {
    method = 'GET',
    body,
    query,
    signal,
    skipUnauthorizedHandler = false,
    background = false,
    blob = false,
  } = options
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    [REQUEST_HEADER]: '1',
  }
  if (background) {
    headers[BACKGROUND_HEADER] = '1'
  }
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal }
  if (body instanceof FormData) {
    // multipart/form-data: the browser sets the boundary itself
    init.body = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }

  let response: Response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch (error) {
    if (isAbortError(error)) {
      throw error
    }
    throw new ApiError(0, { title: 'Network error', detail: (error as Error)?.message })
  }

  if (!response.ok) {
    const problem = await readProblem(response)
    if (response.status === 401 && !skipUnauthorizedHandler) {
      unauthorizedHandler?.()
    }
    throw new ApiError(response.status, problem)
  }

  if (blob) {
    return (await response.blob()) as T
  }
  if (response.status === 204 || response.headers.get('content-length') === '0') {
    return undefined as T
  }
  const contentType = response.headers.get('content-type') ?? ''
  if (!contentType.includes('json')) {
    return undefined as T
  }
  return (await response.json()) as T
}

export const http = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'PUT', body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'DELETE' }),
}
