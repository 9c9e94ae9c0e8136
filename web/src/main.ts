import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { ElMessage } from 'element-plus'
// Styles of components used from script (not resolved from templates).
import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-overlay.css'
import 'element-plus/theme-chalk/el-loading.css'
import './styles/index.css'
import App from './App.vue'
import { router } from './router'
import { i18n, translate } from './i18n'
import { setErrorReporter, setUnauthorizedHandler } from './api/http'
import { useSessionStore } from './stores/session'
import { showError } from './utils/errors'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(router)

setErrorReporter(showError)
let redirecting = false
setUnauthorizedHandler(() => {
  const session = useSessionStore(pinia)
  const wasLoggedIn = session.loggedIn
  session.clear()
  const current = router.currentRoute.value
  if (current.name === 'login' || redirecting) return
  redirecting = true
  if (wasLoggedIn) ElMessage({ type: 'warning', message: translate('errors.sessionExpired'), grouping: true })
  void router
    .replace({ name: 'login', query: { redirect: current.fullPath } })
    .finally(() => {
      redirecting = false
    })
})

app.mount('#app')
