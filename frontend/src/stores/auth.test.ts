import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as authApi from '@/api/auth'
import { ApiError } from '@/api/http'
import type { Me } from '@/api/contract'
import { useAuthStore } from './auth'

vi.mock('@/api/auth', () => ({
  getMe: vi.fn(),
  login: vi.fn(),
  logout: vi.fn(),
}))

const admin: Me = {
  id: 1,
  username: 'admin',
  displayName: '系统管理员',
  organisationId: 1,
  organisationName: '青浦分局',
  roles: ['admin'],
  permissions: ['dashboard.view', 'jobs.view', 'jobs.manage'],
  mustChangePassword: false,
}

describe('auth store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.mocked(authApi.getMe).mockReset()
    vi.mocked(authApi.login).mockReset()
    vi.mocked(authApi.logout).mockReset()
  })

  it('grants nothing when signed out', () => {
    const auth = useAuthStore()
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.hasPermission('dashboard.view')).toBe(false)
    expect(auth.hasPermission()).toBe(false)
  })

  it('checks permissions of the signed-in user', async () => {
    vi.mocked(authApi.login).mockResolvedValue(admin)
    const auth = useAuthStore()

    await auth.login({ username: 'admin', password: 'x' })

    expect(auth.hasPermission('dashboard.view')).toBe(true)
    expect(auth.hasPermission('users.manage')).toBe(false)
    expect(auth.hasPermission('jobs.view', 'jobs.manage')).toBe(true)
    expect(auth.hasPermission('jobs.view', 'users.manage')).toBe(false)
    // a route without a permission requirement is open to any signed-in user
    expect(auth.hasPermission(undefined)).toBe(true)
    expect(auth.hasPermission()).toBe(true)
  })

  it('probes the session once and shares concurrent probes', async () => {
    vi.mocked(authApi.getMe).mockResolvedValue(admin)
    const auth = useAuthStore()

    const [a, b] = await Promise.all([auth.ensureLoaded(), auth.ensureLoaded()])
    await auth.ensureLoaded()

    expect(a).toEqual(admin)
    expect(b).toEqual(admin)
    expect(authApi.getMe).toHaveBeenCalledOnce()
    expect(auth.initialized).toBe(true)
  })

  it('treats a 401 from /me as signed out', async () => {
    vi.mocked(authApi.getMe).mockRejectedValue(new ApiError(401, { status: 401 }))
    const auth = useAuthStore()

    await expect(auth.ensureLoaded()).resolves.toBeNull()
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.initialized).toBe(true)
  })

  it('rethrows other errors from /me', async () => {
    vi.mocked(authApi.getMe).mockRejectedValue(new ApiError(500, { status: 500 }))
    const auth = useAuthStore()

    await expect(auth.fetchMe()).rejects.toBeInstanceOf(ApiError)
  })

  it('clears the user on logout even if the server call fails', async () => {
    vi.mocked(authApi.login).mockResolvedValue(admin)
    vi.mocked(authApi.logout).mockRejectedValue(new ApiError(0, {}))
    const auth = useAuthStore()
    await auth.login({ username: 'admin', password: 'x' })

    await auth.logout()

    expect(auth.me).toBeNull()
    expect(auth.hasPermission('dashboard.view')).toBe(false)
  })

  it('clears the user and redirects when the session expires', async () => {
    vi.mocked(authApi.login).mockResolvedValue(admin)
    const auth = useAuthStore()
    const redirect = vi.fn()
    auth.setLoginRedirect(redirect)
    await auth.login({ username: 'admin', password: 'x' })

    auth.handleUnauthorized()

    expect(auth.me).toBeNull()
    expect(redirect).toHaveBeenCalledOnce()
  })
})
