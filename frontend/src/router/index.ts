import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { i18n } from '@/i18n'
import { useAuthStore } from '@/stores/auth'
import { routes } from './routes'

/** Only same-app absolute paths are accepted as post-login targets (no open redirects). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

router.beforeEach(async (to): Promise<boolean | RouteLocationRaw> => {
  const auth = useAuthStore()
  try {
    await auth.ensureLoaded()
  } catch {
    // API unreachable: public pages still work, the rest falls back to the sign-in page
  }

  if (to.name === 'login' && auth.isAuthenticated) {
    return safeRedirect(to.query.redirect)
  }
  if (to.meta.public) {
    return true
  }
  if (!auth.isAuthenticated) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  // After an administrator's reset or when the password has expired, nothing else opens until it is changed.
  if (auth.mustChangePassword && to.name !== 'change-password') {
    return { name: 'change-password', query: { forced: '1' } }
  }
  if (!auth.hasPermission(to.meta.permission)) {
    return { name: 'forbidden', query: { from: to.fullPath }, replace: true }
  }
  return true
})

router.afterEach((to) => {
  const { t } = i18n.global
  const page = to.meta.titleKey ? t(to.meta.titleKey) : ''
  document.title = page ? `${page} · ${t('app.name')}` : t('app.fullName')
})

export default router
