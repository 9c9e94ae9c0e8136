import { http } from './http'
import type { Health, SessionInfo } from './types'

export function login(username: string, password: string): Promise<SessionInfo> {
  return http.post<SessionInfo>('/auth/login', { username, password }, { silent: true, noAuthRedirect: true })
}

export function fetchMe(): Promise<SessionInfo> {
  return http.get<SessionInfo>('/auth/me', undefined, { silent: true, noAuthRedirect: true })
}

export function logout(): Promise<void> {
  return http.post<void>('/auth/logout', undefined, { silent: true, noAuthRedirect: true })
}

export function fetchHealth(): Promise<Health> {
  return http.get<Health>('/health', undefined, { silent: true, noAuthRedirect: true })
}
