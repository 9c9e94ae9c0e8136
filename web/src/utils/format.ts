import type { Instant } from '@/api/types'

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}

export function toDate(value: Instant | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null
  const date = typeof value === 'number' ? new Date(value) : new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

// "YYYY-MM-DD HH:mm" in the browser's time zone (users are in Asia/Shanghai).
export function formatDateTime(value: Instant | null | undefined, withSeconds = false): string {
  const date = toDate(value)
  if (!date) return typeof value === 'string' ? value : ''
  const base = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`
  return withSeconds ? `${base}:${pad(date.getSeconds())}` : base
}

export function formatDate(value: Instant | null | undefined): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const date = toDate(value)
  if (!date) return ''
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

// Today's calendar date as YYYY-MM-DD in local time.
export function todayDate(): string {
  return formatDate(Date.now())
}

// Renders any JSON value as inert text for tables (audit before/after).
export function jsonText(value: unknown): string {
  if (value === undefined) return ''
  if (value === null) return 'null'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}
