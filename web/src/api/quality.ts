// Archive data quality (客户档案数据质量): the rule library with its switches, the findings (my fix
// queue, all findings in scope, a customer's open findings), the "not a defect" requests and their
// approval, the scores by bureau, account manager and rule with the weekly trend, and the full pass
// on demand. Shapes follow src/quality/{api,queries}.cpp and docs/openapi.yaml (tag Quality).
// Commands are `silent`: the pages show their errors themselves.
import { download, http, type ListResult, type Query } from './http'
import type { Instant } from './types'

export type QualityCategory = 'completeness' | 'validity' | 'grid' | 'duplicates' | 'staleness' | 'anomalies'
export type QualitySeverity = 'high' | 'medium' | 'low'
// `live` (the default) is open or awaiting a decision.
export type FindingStatus = 'open' | 'dismiss_requested' | 'dismissed' | 'closed'
export type FindingStatusFilter = 'live' | FindingStatus

export const QUALITY_CATEGORIES: QualityCategory[] = ['completeness', 'validity', 'grid', 'duplicates', 'staleness', 'anomalies']
export const QUALITY_SEVERITIES: QualitySeverity[] = ['high', 'medium', 'low']
export const FINDING_STATUS_FILTERS: FindingStatusFilter[] = ['live', 'open', 'dismiss_requested', 'dismissed', 'closed']

// ---- scores ------------------------------------------------------------------------------------

export interface ScoreFigures {
  customers: number
  // average customer score (100 less the weights of its live findings, at least 0)
  score: number
  // live findings
  open: number
  // customers scoring under 50
  poor: number
}

export interface ScoreRow extends ScoreFigures {
  id: number
  name: string
}

export interface RuleCount {
  code: string
  zh: string
  en: string
  open: number
  severity: QualitySeverity
}

export interface TrendPoint {
  // the Monday of the week, YYYY-MM-DD
  week: string
  score: number
  open: number
  customers: number
}

export interface QualityScores {
  overall: ScoreFigures
  // worst first
  bureaus: ScoreRow[]
  managers: ScoreRow[]
  rules: RuleCount[]
  trend: TrendPoint[]
}

export function fetchQualityScores(): Promise<QualityScores> {
  return http.get<QualityScores>('/quality/scores', undefined, { silent: true })
}

// ---- rules -------------------------------------------------------------------------------------

export interface QualityRule {
  code: string
  category: QualityCategory
  severity: QualitySeverity
  weight: number
  zh: string
  en: string
  fix_zh: string
  fix_en: string
  // the fields it reads, comma-separated
  fields: string
  source: string
  enabled: boolean
  open: number
}

export interface QualityRun {
  customers: number
  opened: number
  closed: number
  open_total: number
}

export interface LastFullPass extends QualityRun {
  finished_at: Instant
}

export interface QualityRules {
  items: QualityRule[]
  last_full_pass: LastFullPass | null
}

export function listQualityRules(): Promise<QualityRules> {
  return http.get<QualityRules>('/quality/rules', undefined, { silent: true })
}

export function setQualityRuleEnabled(code: string, enabled: boolean): Promise<{ code: string; enabled: boolean }> {
  return http.put(`/quality/rules/${encodeURIComponent(code)}`, { enabled }, { silent: true })
}

export function runQualityPass(): Promise<QualityRun> {
  return http.post<QualityRun>('/quality/runs', {}, { silent: true })
}

// ---- findings ----------------------------------------------------------------------------------

export interface QualityFinding {
  id: number
  rule: string
  category: QualityCategory
  severity: QualitySeverity
  rule_zh: string
  rule_en: string
  fix_zh: string
  fix_en: string
  customer_id: number
  customer_name: string
  account_id: number | null
  account_no: string | null
  contact_id: number | null
  contact_name: string | null
  // the field to change (credit_code, contract_capacity_kva, mobile, contacts …)
  field: string
  // what was found, in Chinese
  detail: string
  status: FindingStatus
  first_seen: Instant
  last_seen: Instant
  closed_at: Instant | null
  dismiss_reason: string | null
  // the display name of who asked
  dismiss_requested_by: string | null
  key_account: boolean
  manager_name: string | null
}

export interface FindingQuery extends Query {
  mine?: boolean
  rule?: string
  status?: FindingStatusFilter | ''
  severity?: QualitySeverity | ''
  category?: QualityCategory | ''
  customer_id?: number
  page?: number
  page_size?: number
}

export function listFindings(query: FindingQuery): Promise<ListResult<QualityFinding>> {
  return http.get<ListResult<QualityFinding>>('/quality/findings', query, { silent: true })
}

export function exportFindings(query: FindingQuery): Promise<void> {
  const filters: Query = { ...query }
  delete filters.page
  delete filters.page_size
  return download('/quality/findings/export', filters, 'lianxin-quality-findings.xlsx')
}

// "Not a defect": the reason is required; someone else with quality.approve decides.
export function requestDismissal(id: number, reason: string): Promise<{ id: number; status: FindingStatus }> {
  return http.post(`/quality/findings/${id}/dismiss`, { reason }, { silent: true })
}

export function decideDismissal(id: number, approve: boolean): Promise<{ id: number }> {
  return http.post(`/quality/findings/${id}/dismissal`, { approve }, { silent: true })
}

// A customer's live findings and its score (the 360 view).
export interface CustomerQuality extends ListResult<QualityFinding> {
  score: number
}

export function fetchCustomerQuality(customerId: number): Promise<CustomerQuality> {
  return http.get<CustomerQuality>(`/customers/${customerId}/quality`, undefined, { silent: true })
}

// Rules with a fix that needs no judgement, fixed in bulk by the server.
export const BULK_FIX_RULES = ['validity.basic_charge_mode', 'staleness.key_contacts'] as const

export function bulkFix(rule: string, findingIds: number[]): Promise<{ fixed: number; skipped: { id: number; reason: string }[] }> {
  return http.post<{ fixed: number; skipped: { id: number; reason: string }[] }>('/quality/bulk-fix', { rule, finding_ids: findingIds })
}
