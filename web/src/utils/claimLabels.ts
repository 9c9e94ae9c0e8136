import { useI18n } from 'vue-i18n'
import type { Instant } from '@/api/types'
import { toDate } from './format'

// Label groups in the claims locale section (claims.<group>.<code>).
export type ClaimLabelGroup =
  | 'types'
  | 'classes'
  | 'subTypes'
  | 'channels'
  | 'statuses'
  | 'satisfactions'
  | 'marks'
  | 'rootCauses'
  | 'recoveryKinds'
  | 'areaTypes'
  | 'clocks'
  | 'clockStates'
  | 'units'
  | 'urgency'
  | 'verification'
  | 'verificationHint'
  | 'actions'
  | 'events'
  | 'unsatisfiedActions'
  | 'kpis'
  | 'groupBy'

// Translates server codes; an unknown code (a newer server) shows as itself.
export function useClaimLabels() {
  const { t, te } = useI18n()

  function label(group: ClaimLabelGroup, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const key = `claims.${group}.${code}`
    return te(key) ? t(key) : code
  }

  // "投诉 · 停电类" / "服务申请 · 欠费复电"
  function typeText(item: { claim_type: string; complaint_class?: string | null; sub_type?: string | null }): string {
    const parts = [label('types', item.claim_type)]
    if (item.complaint_class) parts.push(label('classes', item.complaint_class))
    if (item.sub_type) parts.push(label('subTypes', item.sub_type))
    return parts.join(' · ')
  }

  // "3天4小时" / "2h 5m": the largest two units of a duration.
  function durationText(ms: number): string {
    const minutes = Math.max(0, Math.floor(ms / 60_000))
    const days = Math.floor(minutes / 1440)
    const hours = Math.floor((minutes % 1440) / 60)
    const rest = minutes % 60
    const parts: string[] = []
    if (days > 0) parts.push(t('claims.duration.d', { n: days }))
    if (hours > 0 && parts.length < 2) parts.push(t('claims.duration.h', { n: hours }))
    if (days === 0 && (rest > 0 || parts.length === 0)) parts.push(t('claims.duration.m', { n: rest }))
    return parts.join('')
  }

  // "剩余3小时20分" or "已超时2天1小时" against `now`.
  function remainingText(due: Instant | null | undefined, now: number): string {
    const date = toDate(due)
    if (!date) return ''
    const diff = date.getTime() - now
    return diff >= 0
      ? t('claims.remaining', { time: durationText(diff) })
      : t('claims.overdueBy', { time: durationText(-diff) })
  }

  return { label, typeText, durationText, remainingText }
}

// Element Plus tag type per status / urgency.
export function statusTagType(status: string): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (status) {
    case 'registered':
      return 'warning'
    case 'returned':
      return 'danger'
    case 'dispatched':
    case 'accepted':
      return 'primary'
    case 'waiting_customer':
      return 'info'
    case 'closed':
      return 'success'
    default:
      return 'info'
  }
}

export function urgencyTagType(urgency: string): 'success' | 'warning' | 'danger' | 'info' {
  if (urgency === 'red') return 'danger'
  if (urgency === 'amber') return 'warning'
  return 'success'
}
