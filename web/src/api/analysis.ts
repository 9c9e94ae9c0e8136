// Electricity-use analysis (用电分析): a customer's year per account with its load characteristics and
// the comparison to its industry, the advice (用电建议: basic-charge mode, time-of-use shift, power-factor
// correction, capacity reduction, suspension) with its decisions and realised savings, the anomalies
// (用电异常: the review queue of the account managers and the inspection's confirmation of a theft),
// the analysis report (PDF, XLSX) and the report batches of all key accounts. Amounts in fen. Commands
// are `silent`: the pages show their errors themselves (beside the field or as a message).
import { download, http, type ListResult, type Query } from './http'
import type { Instant } from './types'
import type { BasicMode, TouPeriod } from './tariff'

// ---- the year per account ----------------------------------------------------------------------

export interface AnalysisMonth {
  period: string
  kwh: number
  kwh_by_period: Record<TouPeriod, number>
  kvarh: number
  power_factor: number | null
  max_demand_kw: number
  load_factor: number | null
  amount_fen: number | null
  has_bill: boolean
  has_curve: boolean
  curve_negatives: number
  curve_flat_points: number
}

export interface PeerComparison {
  industry_code: string
  accounts: number
  median_kwh_per_kva: number
  // 0–1: the share of the industry's accounts with fewer kWh per kVA
  percentile: number
}

export interface Characteristics {
  months: number
  from: string
  to: string
  kwh: number
  max_demand_kw: number
  max_demand_period: string | null
  avg_load_factor: number | null
  peak_share: number | null
  valley_share: number | null
  power_factor: number | null
  utilisation: number | null
  kwh_per_kva: number | null
  previous_kwh: number | null
  yoy_change: number | null
  curve_months: number
  peers?: PeerComparison | null
}

export interface AccountAnalysis {
  account_id: number
  account_no: string
  tariff_category: string
  voltage_level: string
  capacity_kva: number | null
  basic_charge_mode: BasicMode | null
  contract_demand_kw: number | null
  months: AnalysisMonth[]
  characteristics: Characteristics | null
}

export interface CustomerAnalysis {
  customer_id: number
  customer_name: string
  industry_code: string | null
  accounts: AccountAnalysis[]
}

export function fetchCustomerAnalysis(customerId: number, to?: string): Promise<CustomerAnalysis> {
  return http.get<CustomerAnalysis>(`/customers/${customerId}/analysis`, { to }, { silent: true })
}

// ---- advice ------------------------------------------------------------------------------------

export type AdviceKind = 'basic_charge' | 'tou_shift' | 'pf_correction' | 'capacity_reduction' | 'suspension'
export const ADVICE_KINDS: AdviceKind[] = ['basic_charge', 'tou_shift', 'pf_correction', 'capacity_reduction', 'suspension']
export type AdviceStatus = 'proposed' | 'accepted' | 'rejected'

export interface AdviceQuarter {
  quarter: number
  periods: string[]
  mode: BasicMode
  contract_demand_kw: number
  fen: number
  current_fen: number
}

export interface AdviceData {
  title_en?: string
  quarters?: AdviceQuarter[]
  capacitor_kvar?: number
  pf_before?: number
  pf_after?: number
  shift_kwh?: number
  new_capacity_kva?: number
  suspend_periods?: string[]
  [key: string]: unknown
}

export interface AdviceSavingMonth {
  period: string
  expected_fen: number
  realised_fen: number
}

export interface AdviceSavings {
  months: AdviceSavingMonth[]
  expected_fen: number
  realised_fen: number
}

export interface Advice {
  id: number
  account_id: number
  account_no: string
  kind: AdviceKind
  // Chinese; data.title_en in English
  title: string
  detail: string
  assumptions: string[]
  data: AdviceData
  // a year
  saving_fen: number
  saving_kwh: number
  basis_from: string
  basis_to: string
  status: AdviceStatus
  plan_id: number | null
  effective_from: string | null
  decided_by: string
  decided_at: Instant | null
  decision_note: string | null
  created_at: Instant
  savings?: AdviceSavings
}

export interface AdviceList {
  customer_id: number
  items: Advice[]
  proposed_saving_fen: number
  accepted_saving_fen: number
  realised_saving_fen: number
  // refresh only: the proposals made
  written?: number
}

export function listAdvice(customerId: number): Promise<AdviceList> {
  return http.get<AdviceList>(`/customers/${customerId}/advice`, undefined, { silent: true })
}

export function refreshAdvice(customerId: number): Promise<AdviceList> {
  return http.post<AdviceList>(`/customers/${customerId}/advice/refresh`, {}, { silent: true })
}

export interface AdviceDecision {
  accept: boolean
  note?: string
  // YYYY-MM, default next month
  effective_from?: string
  year?: number
}

export function decideAdvice(adviceId: number, decision: AdviceDecision): Promise<AdviceList> {
  return http.post<AdviceList>(`/advice/${adviceId}/decision`, decision, { silent: true })
}

// ---- anomalies ---------------------------------------------------------------------------------

export type AnomalyKind = 'sudden_drop' | 'zero_reading' | 'flat_curve' | 'pf_anomaly' | 'reverse_energy'
export const ANOMALY_KINDS: AnomalyKind[] = ['sudden_drop', 'zero_reading', 'flat_curve', 'pf_anomaly', 'reverse_energy']
export type AnomalyStatus = 'open' | 'normal' | 'theft_suspected' | 'theft_confirmed' | 'theft_rejected'
export const ANOMALY_STATUSES: AnomalyStatus[] = ['open', 'normal', 'theft_suspected', 'theft_confirmed', 'theft_rejected']
// 'live' = open and theft_suspected
export type AnomalyFilter = 'live' | AnomalyStatus

export interface Anomaly {
  id: number
  customer_id: number
  customer_name: string
  account_id: number
  account_no: string
  kind: AnomalyKind
  period: string
  evidence: string
  expected_kwh: number | null
  actual_kwh: number | null
  // 1 (low) – 3 (high)
  severity: number
  // the account manager's display name
  owner: string | null
  owner_id?: number | null
  due_date: string | null
  status: AnomalyStatus
  review_note: string | null
  back_kwh: number | null
  back_billing_fen: number | null
  penalty_fen: number | null
  confirm_note: string | null
  created_at: Instant
  // the energy not billed at the account's average price: an estimate for the inspection
  estimated_back_fen: number | null
}

export interface AnomalyQuery extends Query {
  status?: AnomalyFilter
  customer_id?: number
  mine?: boolean
  page?: number
  page_size?: number
}

export function listAnomalies(query: AnomalyQuery): Promise<ListResult<Anomaly>> {
  return http.get<ListResult<Anomaly>>('/analysis/anomalies', query, { silent: true })
}

export interface ScanResult {
  accounts: number
  found: number
  opened: number
}

export function scanAnomalies(): Promise<ScanResult> {
  return http.post<ScanResult>('/analysis/anomalies/scan', {}, { silent: true })
}

export type ReviewResult = 'normal' | 'theft_suspected'

export function reviewAnomaly(id: number, result: ReviewResult, note: string): Promise<unknown> {
  return http.post<unknown>(`/analysis/anomalies/${id}/review`, { result, note }, { silent: true })
}

export interface TheftConfirmation {
  confirmed: boolean
  back_kwh?: number
  back_billing_fen?: number
  penalty_fen?: number
  note: string
}

export function confirmAnomaly(id: number, confirmation: TheftConfirmation): Promise<unknown> {
  return http.post<unknown>(`/analysis/anomalies/${id}/confirm`, confirmation, { silent: true })
}

// ---- reports -----------------------------------------------------------------------------------

export type ReportFormat = 'pdf' | 'xlsx'

function today(): string {
  const now = new Date()
  const pad = (value: number) => (value < 10 ? `0${value}` : String(value))
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

// A file name safe on every system (the customer's name may hold slashes and the like).
function safeName(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 60)
}

// 用电分析报告-<customer>-<date>.pdf|xlsx (the server's name is analysis-report-<id>.<ext>).
export function reportFileName(customerName: string, format: ReportFormat, date = today()): string {
  return `用电分析报告-${safeName(customerName)}-${date}.${format}`
}

export function downloadCustomerReport(customerId: number, customerName: string, format: ReportFormat, to?: string): Promise<void> {
  return download(`/customers/${customerId}/analysis/report`, { format, to }, reportFileName(customerName, format), { preferFallback: true })
}

export type BatchStatus = 'queued' | 'running' | 'done' | 'failed'

export interface ReportBatch {
  id: number
  status: BatchStatus
  period_to: string | null
  total: number
  done: number
  failed: number
  created_by: string
  created_at: Instant
  finished_at: Instant | null
}

export interface StoredReport {
  id: number
  customer_id: number
  customer_name: string
  created_at: Instant
}

export interface ReportBatchDetail extends ReportBatch {
  reports: StoredReport[]
}

export function createReportBatch(to?: string): Promise<ReportBatch> {
  return http.post<ReportBatch>('/analysis/report-batches', to ? { to } : {}, { silent: true })
}

export function listReportBatches(): Promise<ListResult<ReportBatch>> {
  return http.get<ListResult<ReportBatch>>('/analysis/report-batches', undefined, { silent: true })
}

export function fetchReportBatch(id: number): Promise<ReportBatchDetail> {
  return http.get<ReportBatchDetail>(`/analysis/report-batches/${id}`, undefined, { silent: true })
}

export function downloadStoredReport(report: StoredReport, format: ReportFormat): Promise<void> {
  const date = typeof report.created_at === 'string' ? report.created_at.slice(0, 10) : undefined
  return download(`/analysis/reports/${report.id}`, { format }, reportFileName(report.customer_name, format, date), { preferFallback: true })
}
