import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  BACKGROUND_HEADER,
  buildUrl,
  http,
  isApiError,
  request,
  setUnauthorizedHandler,
} from './http'

function jsonResponse(status: number, body: unknown, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } })
}

describe('http', () => {
  const fetchMock = vi.fn<typeof fetch>()

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
  })

  afterEach(() => {
    fetchMock.mockReset()
    vi.unstubAllGlobals()
    setUnauthorizedHandler(null)
  })

  it('returns parsed JSON and sends same-origin credentials and the abort signal', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { items: [], total: 0 }))
    const controller = new AbortController()

    const result = await http.get('/api/jobs', {
      query: { skip: 0, take: 20 },
      signal: controller.signal,
    })

    expect(result).toEqual({ items: [], total: 0 })
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/jobs?skip=0&take=20')
    expect(init?.credentials).toBe('same-origin')
    expect(init?.signal).toBe(controller.signal)
  })

  it('marks background refreshes so they do not count as user activity', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, {}))

    await http.get('/api/jobs', { background: true })
    await http.get('/api/jobs')

    const background = fetchMock.mock.calls[0]![1]?.headers as Record<string, string>
    const foreground = fetchMock.mock.calls[1]![1]?.headers as Record<string, string>
    expect(background[BACKGROUND_HEADER]).toBe('1')
    expect(foreground[BACKGROUND_HEADER]).toBeUndefined()
  })

  it('sends JSON bodies on POST', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 1 }))

    await http.post('/api/auth/login', { username: 'a', password: 'b' })

    const init = fetchMock.mock.calls[0]![1]!
    expect(init.method).toBe('POST')
    expect(init.body).toBe('{"username":"a","password":"b"}')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })

  it('returns undefined for 204 No Content', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(http.post('/api/auth/logout')).resolves.toBeUndefined()
  })

  it('turns a ProblemDetails response into an ApiError carrying it', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(
        400,
        {
          title: 'One or more validation errors occurred.',
          status: 400,
          detail: 'Username is too long',
          errors: { username: ['Too long'] },
        },
        'application/problem+json',
      ),
    )

    const error = (await request('/api/auth/login', { method: 'POST', body: {} }).catch(
      (e: unknown) => e,
    )) as ApiError

    expect(isApiError(error)).toBe(true)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(400)
    expect(error.message).toBe('Username is too long')
    expect(error.problem.title).toBe('One or more validation errors occurred.')
    expect(error.fieldErrors).toEqual({ username: ['Too long'] })
  })

  it('synthesises a problem when the error body is not JSON', async () => {
    fetchMock.mockResolvedValue(
      new Response('boom', {
        status: 502,
        statusText: 'Bad Gateway',
        headers: { 'Content-Type': 'text/plain' },
      }),
    )

    const error = (await http.get('/api/x').catch((e) => e)) as ApiError

    expect(error.status).toBe(502)
    expect(error.problem).toEqual({ status: 502, title: 'Bad Gateway' })
    expect(error.message).toBe('Bad Gateway')
  })

  it('wraps network failures as status 0 but lets aborts through', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const network = (await http.get('/api/x').catch((e) => e)) as ApiError
    expect(network.status).toBe(0)

    fetchMock.mockRejectedValueOnce(new DOMException('aborted', 'AbortError'))
    const aborted = await http.get('/api/x').catch((e) => e)
    expect(isApiError(aborted)).toBe(false)
    expect((aborted as DOMException).name).toBe('AbortError')
  })

  it('notifies the unauthorized handler on 401', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(401, { title: 'Unauthorized', status: 401 }))

    await expect(http.get('/api/dashboard/summary')).rejects.toMatchObject({ status: 401 })

    expect(handler).toHaveBeenCalledOnce()
  })

  it('does not notify the handler when the call opts out (login)', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(
      jsonResponse(401, {
        title: 'Unauthorized',
        status: 401,
        detail: 'Wrong username or password',
      }),
    )

    const error = (await http
      .post('/api/auth/login', {}, { skipUnauthorizedHandler: true })
      .catch((e) => e)) as ApiError

    expect(error.message).toBe('Wrong username or password')
    expect(handler).not.toHaveBeenCalled()
  })

  it('does not notify the handler for other errors', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(403, { title: 'Forbidden', status: 403 }))

    await expect(http.get('/api/jobs')).rejects.toBeInstanceOf(ApiError)
    expect(handler).not.toHaveBeenCalled()
  })

  it('builds query strings skipping empty values', () => {
    expect(buildUrl('/api/jobs', { skip: 0, take: undefined, q: null, name: 'a b' })).toBe(
      '/api/jobs?skip=0&name=a+b',
    )
    expect(
      buildUrl('/api/devices/search', { type: ['HdDome', 'SmartBullet'], q: '', page: 2 }),
    ).toBe('/api/devices/search?type=HdDome&type=SmartBullet&page=2')
    expect(buildUrl('/api/jobs')).toBe('/api/jobs')
  })
})
