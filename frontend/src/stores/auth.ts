import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as authApi from '@/api/auth'
import { isApiError } from '@/api/http'
import type {
  CertificateLoginRequest,
  ChangePasswordRequest,
  LoginRequest,
  Me,
  Permission,
} from '@/api/contract'

/** Where the session-expired handler sends the user; set by the router module. */
type LoginRedirect = () => void

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  /** True once the session has been probed (GET /api/auth/me) at least once. */
  const initialized = ref(false)
  let pendingProbe: Promise<Me | null> | null = null
  let loginRedirect: LoginRedirect | null = null

  const isAuthenticated = computed(() => me.value !== null)
  const permissions = computed(() => new Set(me.value?.permissions ?? []))

  /** True when the signed-in user holds every permission given (none given: any signed-in user). */
  function hasPermission(...required: (Permission | null | undefined)[]): boolean {
    if (!me.value) {
      return false
    }
    return required.every((permission) => !permission || permissions.value.has(permission))
  }

  async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
    try {
      me.value = await authApi.getMe(signal)
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        me.value = null
      } else {
        throw error
      }
    } finally {
      initialized.value = true
    }
    return me.value
  }

  /** Probes the session once per page load; concurrent callers share the same request. */
  function ensureLoaded(): Promise<Me | null> {
    if (initialized.value) {
      return Promise.resolve(me.value)
    }
    pendingProbe ??= fetchMe().finally(() => {
      pendingProbe = null
    })
    return pendingProbe
  }

  async function login(credentials: LoginRequest): Promise<Me> {
    const user = await authApi.login(credentials)
    me.value = user
    initialized.value = true
    return user
  }

  async function loginWithCertificate(body: CertificateLoginRequest): Promise<Me> {
    const user = await authApi.certificateLogin(body)
    me.value = user
    initialized.value = true
    return user
  }

  /** True when the user must change the password before using anything else (after a reset or expiry). */
  const mustChangePassword = computed(() => me.value?.mustChangePassword === true)

  async function changePassword(request: ChangePasswordRequest): Promise<Me> {
    const user = await authApi.changePassword(request)
    me.value = user
    return user
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } catch {
      // the session is dropped client-side whatever the server answered
    } finally {
      me.value = null
      initialized.value = true
    }
  }

  function setLoginRedirect(redirect: LoginRedirect | null): void {
    loginRedirect = redirect
  }

  /** Called by the HTTP layer when any API call answers 401: the session is gone. */
  function handleUnauthorized(): void {
    me.value = null
    initialized.value = true
    loginRedirect?.()
  }

  return {
    me,
    initialized,
    isAuthenticated,
    permissions,
    hasPermission,
    fetchMe,
    ensureLoaded,
    login,
    loginWithCertificate,
    logout,
    mustChangePassword,
    changePassword,
    setLoginRedirect,
    handleUnauthorized,
  }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useAuthStore, import.meta.hot))
}
