import { useI18n } from 'vue-i18n'
import type { Instant } from '@/api/types'
import { formatDateTime, toDate } from './format'

// Label groups in the outages locale section (outages.<group>.<code>).
export type OutageLabelGroup =
  | 'kinds'
  | 'statuses'
  | 'requesters'
  | 'effects'
  | 'channels'
  | 'noticeStatuses'
  | 'purposes'
  | 'ackVia'
  | 'guaranteeKinds'
  | 'deliveries'

// Translates server codes; an unknown code (a newer server) shows as itself.
export function useOutageLabels() {
  const { t, te } = useI18n()

  function label(group: OutageLabelGroup, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const key = `outages.${group}.${code}`
    return te(key) ? t(key) : code
  }

  // A duration in minutes as "2小时30分" / "2 h 30 min".
  function minutesText(minutes: number | null | undefined): string {
    if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—'
    const whole = Math.max(0, Math.round(minutes))
    const hours = Math.floor(whole / 60)
    const rest = whole % 60
    if (hours === 0) return t('outages.duration.m', { m: rest })
    if (rest === 0) return t('outages.duration.h', { h: hours })
    return t('outages.duration.hm', { h: hours, m: rest })
  }

  // The time between two instants (an outage's length).
  function spanText(from: Instant | null | undefined, to: Instant | null | undefined): string {
    const start = toDate(from)
    const end = toDate(to)
    if (!start || !end) return ''
    return minutesText((end.getTime() - start.getTime()) / 60_000)
  }

  return { label, minutesText, spanText }
}

// A period as "2026-12-02 09:00 – 17:00" (the end's date only when it is another day).
export function periodText(from: Instant | null | undefined, to: Instant | null | undefined): string {
  const start = formatDateTime(from)
  const end = formatDateTime(to)
  if (!start || !end) return start || end
  return start.slice(0, 10) === end.slice(0, 10) ? `${start} – ${end.slice(11)}` : `${start} – ${end}`
}

// One colour per kind, for the calendar chips and the kind tags: planned maintenance blue,
// temporary orange, faults red, arrears grey, orderly power use purple, transfer teal.
export const KIND_COLORS: Record<string, string> = {
  planned: '#409eff',
  temporary: '#e6a23c',
  fault: '#f56c6c',
  arrears: '#909399',
  limitation: '#8e44ad',
  transfer: '#13a8a8',
}

export function kindColor(kind: string): string {
  return KIND_COLORS[kind] ?? '#606266'
}

export function outageStatusTagType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'draft':
      return 'info'
    case 'checked':
    case 'approved':
      return 'primary'
    case 'notified':
      return 'warning'
    case 'in_progress':
      return 'danger'
    case 'restored':
      return 'success'
    default:
      return 'info'
  }
}

export function noticeStatusTagType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'planned':
      return 'info'
    case 'sent':
      return 'primary'
    case 'delivered':
      return 'warning'
    case 'acknowledged':
    case 'posted':
      return 'success'
    default:
      return 'info'
  }
}

// A local Date → "YYYY-MM-DDTHH:mm:ss.sssZ" for the API (null stays null).
export function isoOrUndefined(date: Date | null | undefined): string | undefined {
  return date ? date.toISOString() : undefined
}
