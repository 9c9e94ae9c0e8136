// The caller's in-app inbox (src/notify/api.cpp).
import { http, type ListResult } from './http'
import type { Instant } from './types'

export interface Notification {
  id: number
  kind: string
  subject: string
  body: string
  ref_entity: string | null
  ref_id: string | null
  created_at: Instant
  read_at: Instant | null
  read: boolean
}

export interface Inbox extends ListResult<Notification> {
  unread: number
}

// Polled in the background: failures are not shown (the next poll retries).
export function fetchInbox(page_size = 10, unread = false): Promise<Inbox> {
  return http.get<Inbox>('/notifications', { page: 1, page_size, unread: unread || undefined }, { silent: true })
}

export function markRead(id: number): Promise<{ id: number; unread: number }> {
  return http.post<{ id: number; unread: number }>(`/notifications/${id}/read`)
}

export function markAllRead(): Promise<{ marked: number; unread: number }> {
  return http.post<{ marked: number; unread: number }>('/notifications/read-all')
}
