import 'element-plus/dist/index.css'
import './assets/main.css'
import './styles/page.css'

import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { setUnauthorizedHandler } from '@/api/http'
import { i18n } from '@/i18n'
import router from '@/router'
import { useAuthStore } from '@/stores/auth'
import App from './App.vue'

const app = createApp(App)
const pinia = createPinia()

app.use(pinia)
app.use(i18n)
app.use(ElementPlus)

const auth = useAuthStore(pinia)
auth.setLoginRedirect(() => {
  const current = router.currentRoute.value
  if (current.name !== 'login') {
    void router.replace({ name: 'login', query: { redirect: current.fullPath } })
  }
})
setUnauthorizedHandler(() => auth.handleUnauthorized())

app.use(router)
document.documentElement.lang = i18n.global.locale.value
app.mount('#app')
