// The caller's in-app inbox and notification preferences, the staff quiet hours, and the delivery
// status of the outbox for administrators and auditors (src/notify/api.cpp).
import { http, type ListResult, type Query } from './http'
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

// ---- preferences (消息设置) ---------------------------------------------------------------------

export type NotificationChannel = 'in_app' | 'sms' | 'email'

export interface NotificationPreference {
  kind: string
  // The channels the user gets: their own choice, or the default when `default` is true.
  channels: string[]
  default: boolean
}

export interface NotificationPreferences extends ListResult<NotificationPreference> {
  // Without a mobile number (an e-mail address) SMS (e-mail) falls back to the inbox.
  has_mobile: boolean
  has_email: boolean
  channels: string[]
}

// One change: the channels for a kind, or null to return to the default.
export interface PreferenceChange {
  kind: string
  channels: string[] | null
}

export function fetchPreferences(): Promise<NotificationPreferences> {
  return http.get<NotificationPreferences>('/notifications/preferences')
}

// The caller shows field errors (items[i].channels) beside the rows itself.
export function savePreferences(items: PreferenceChange[]): Promise<NotificationPreferences> {
  return http.put<NotificationPreferences>('/notifications/preferences', { items }, { silent: true })
}

// ---- staff quiet hours (免打扰时段) ----------------------------------------------------------------

export interface QuietHours {
  enabled: boolean
  start: string // HH:MM
  end: string
  time_zone: string
}

export function fetchQuietHours(): Promise<QuietHours> {
  return http.get<QuietHours>('/notifications/quiet-hours')
}

// Administrators only (user.admin).
export function saveQuietHours(input: { enabled: boolean; start: string; end: string }): Promise<QuietHours> {
  return http.put<QuietHours>('/notifications/quiet-hours', input, { silent: true })
}

// ---- delivery status (消息发送记录) ------------------------------------------------------------------

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'dead'

export interface OutboxRow {
  id: number
  user_id: number | null
  username: string | null // null for outside recipients
  address: string | null // mobile number or e-mail address
  channel: string
  kind: string
  subject: string
  body: string
  template_code: string | null
  params: Record<string, unknown> | null
  ref_entity: string | null
  ref_id: string | null
  urgent: boolean
  status: OutboxStatus
  attempts: number
  next_attempt_at: Instant | null // pending and failed rows only
  lease_until: Instant | null
  last_error: string | null
  created_at: Instant
  sent_at: Instant | null
  read_at: Instant | null
}

// Administrators and auditors (user.admin or audit.read), within their org scope.
export function listOutbox(query: Query): Promise<ListResult<OutboxRow>> {
  return http.get<ListResult<OutboxRow>>('/outbox', query)
}

// A failed or dead row back to pending (administrators); the caller shows a 409 itself.
export function retryOutbox(id: number): Promise<OutboxRow> {
  return http.post<OutboxRow>(`/outbox/${id}/retry`, {}, { silent: true })
}
