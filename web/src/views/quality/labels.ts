import { useI18n } from 'vue-i18n'
import type { QualityFinding, QualitySeverity } from '@/api/quality'

// Label groups in the quality locale section (quality.<group>.<code>).
export type QualityLabelGroup = 'categories' | 'severities' | 'statuses'

// Translates server codes (an unknown code from a newer server shows as itself) and picks the
// server's Chinese or English wording of a rule and its fix for the UI language.
export function useQualityLabels() {
  const { t, te, locale } = useI18n()

  function label(group: QualityLabelGroup, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const key = `quality.${group}.${code}`
    return te(key) ? t(key) : code
  }

  function bilingual(zh: string | null | undefined, en: string | null | undefined): string {
    return (locale.value === 'en' ? en || zh : zh || en) ?? ''
  }

  const ruleText = (item: { rule_zh?: string; rule_en?: string; zh?: string; en?: string; rule?: string; code?: string }) =>
    bilingual(item.rule_zh ?? item.zh, item.rule_en ?? item.en) || item.rule || item.code || ''
  const fixText = (item: { fix_zh?: string; fix_en?: string }) => bilingual(item.fix_zh, item.fix_en)

  return { label, bilingual, ruleText, fixText }
}

export function severityTagType(severity: QualitySeverity | string): 'danger' | 'warning' | 'info' {
  if (severity === 'high') return 'danger'
  if (severity === 'medium') return 'warning'
  return 'info'
}

// A score's colour band: 90 and above good, 70 and above fair, below that poor.
export type ScoreBand = 'good' | 'fair' | 'poor'
export function scoreBand(score: number | null | undefined): ScoreBand {
  if (score === null || score === undefined) return 'fair'
  if (score >= 90) return 'good'
  if (score >= 70) return 'fair'
  return 'poor'
}
export const SCORE_COLORS: Record<ScoreBand, string> = { good: '#67c23a', fair: '#e6a23c', poor: '#f56c6c' }

export function scoreText(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—'
  return Number.isInteger(score) ? String(score) : score.toFixed(1)
}

// Where a finding is fixed on the customer 360 page: the contact or account it names (its edit
// dialog), the contacts or accounts tab for rules about all of them, the customer's own form for
// its fields, the merge dialog for duplicates; the figures compared with peers (annual kWh) have no
// form and stay on the quality tab (they are checked, or reported as not a defect).
export type FixTarget =
  | { kind: 'contact'; id: number }
  | { kind: 'account'; id: number }
  | { kind: 'tab'; tab: 'contacts' | 'accounts' }
  | { kind: 'customer' }
  | { kind: 'merge' }
  | { kind: 'none' }

export function fixTarget(finding: Pick<QualityFinding, 'rule' | 'field' | 'account_id' | 'contact_id'>): FixTarget {
  if (finding.contact_id) return { kind: 'contact', id: finding.contact_id }
  if (finding.account_id) return { kind: 'account', id: finding.account_id }
  const field = finding.field ?? ''
  if (field === 'contacts' || field.startsWith('contacts.') || field === 'mobile' || field === 'email') return { kind: 'tab', tab: 'contacts' }
  if (field === 'supply_sources' || field === 'emergency_power' || field.startsWith('accounts.')) return { kind: 'tab', tab: 'accounts' }
  if (finding.rule === 'duplicates.credit_code' || finding.rule === 'duplicates.name') return { kind: 'merge' }
  if (field === 'annual_kwh') return { kind: 'none' }
  return { kind: 'customer' }
}
