import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as authApi from '@/api/auth'
import { ApiError, setCsrfToken } from '@/api/http'
import type { SessionInfo, SessionUser } from '@/api/types'

export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null)
  // True once we asked the server whether a session exists (page load).
  const restored = ref(false)

  const loggedIn = computed(() => user.value !== null)
  const permissions = computed(() => new Set(user.value?.permissions ?? []))

  // A list means any one of them (the delivery status: user.admin or audit.read).
  function can(permission: string | readonly string[] | undefined): boolean {
    if (!permission) return true
    if (typeof permission !== 'string') return permission.some((code) => permissions.value.has(code))
    return permissions.value.has(permission)
  }

  function apply(info: SessionInfo): void {
    user.value = info.user
    setCsrfToken(info.csrf_token)
  }

  function clear(): void {
    user.value = null
    setCsrfToken('')
  }

  async function restore(): Promise<void> {
    if (restored.value) return
    try {
      apply(await authApi.fetchMe())
    } catch (error) {
      // 401 simply means "not signed in"; anything else is left for the login page.
      if (!(error instanceof ApiError)) throw error
      clear()
    } finally {
      restored.value = true
    }
  }

  async function login(username: string, password: string): Promise<void> {
    apply(await authApi.login(username, password))
    restored.value = true
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  return { user, restored, loggedIn, can, apply, clear, restore, login, logout }
})
