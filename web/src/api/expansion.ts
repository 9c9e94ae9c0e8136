// Business expansion (业扩报装): applications and their stages (受理 → 装表接电) with per-stage
// limits, the responsible department and person of a stage, customer-caused pauses, the progress
// notice to the customer, the bottleneck analysis and the import of historical applications.
// Shapes follow src/expansion/service.cpp. Commands are `silent`: the pages show their errors
// themselves (field errors beside the fields, useFieldErrors).
import { download, http, type ItemsResult, type ListResult, type Query } from './http'
import { contentTypeFor, type TemplateFormat } from './imports'
import type { Instant } from './types'
import type { Urgency } from './claims'

export type ExpansionKind =
  | 'new_connection'
  | 'capacity_increase'
  | 'capacity_reduction'
  | 'suspension'
  | 'resumption'
  | 'change_name'
  | 'change_tariff'
export type ExpansionCategory = 'residential' | 'low_voltage' | 'hv_single' | 'hv_dual' | 'hv_110kv'
export type ExpansionStage =
  | 'acceptance'
  | 'survey'
  | 'plan_reply'
  | 'design_review'
  | 'mid_inspection'
  | 'completion_inspection'
  | 'connection'
export type ApplicationStatus = 'open' | 'completed' | 'cancelled'
// Who holds the file now: the supplier (a stage is running), the customer (paused, or a stage
// waits for the customer's action), nobody (completed or cancelled).
export type Holder = 'supplier' | 'customer' | 'none'
export type StageStatus = 'pending' | 'waiting' | 'running' | 'done'
export type StartEvent = 'previous_done' | 'customer_request'
export type RuleVerification = 'V' | 'S' | 'U'
// The commands on the current stage (detail page).
export type StageAction = 'finish' | 'pause' | 'resume' | 'start'

export const EXPANSION_KINDS: ExpansionKind[] = [
  'new_connection',
  'capacity_increase',
  'capacity_reduction',
  'suspension',
  'resumption',
  'change_name',
  'change_tariff',
]
export const EXPANSION_CATEGORIES: ExpansionCategory[] = ['residential', 'low_voltage', 'hv_single', 'hv_dual', 'hv_110kv']
export const EXPANSION_STAGES: ExpansionStage[] = [
  'acceptance',
  'survey',
  'plan_reply',
  'design_review',
  'mid_inspection',
  'completion_inspection',
  'connection',
]
export const APPLICATION_STATUSES: ApplicationStatus[] = ['open', 'completed', 'cancelled']

export interface NamedRef {
  id: number
  name: string
}

// ---- rule-sets --------------------------------------------------------------------------------

// Working-day limits per category: per stage, and `total` for the supplier's cumulative time.
export type RuleLimits = Record<string, Record<string, number>>

export interface RuleSet {
  code: string
  name: string
  source: string
  verification: RuleVerification
  limits: RuleLimits
}

export function listRuleSets(): Promise<ItemsResult<RuleSet>> {
  return http.get<ItemsResult<RuleSet>>('/expansion/rule-sets')
}

// ---- applications -----------------------------------------------------------------------------

export interface ApplicationRow {
  id: number
  number: string
  customer_id: number
  customer_name: string
  title: string
  kind: ExpansionKind
  category: ExpansionCategory
  status: ApplicationStatus
  current_stage: ExpansionStage | null
  holder: Holder
  lead_name: string | null
  accepted_at: Instant
  on_time: boolean | null
}

export interface StagePause {
  from: Instant
  to: Instant | null
}

export interface ApplicationStageView {
  stage: ExpansionStage
  seq: number
  start_event: StartEvent
  status: StageStatus
  limit_days: number | null
  started_at: Instant | null
  finished_at: Instant | null
  supplier_days: number | null
  late: boolean
  paused: boolean
  department: NamedRef | null
  assignee: NamedRef | null
  // Only on the running stage: when its limit runs out, and how close that is.
  due?: Instant | null
  urgency?: Urgency
  pauses: StagePause[]
}

export interface ApplicationPause {
  reason: string
  stage: ExpansionStage
  from: Instant
  to: Instant | null
}

export interface ApplicationDetail {
  id: number
  number: string
  customer_id: number
  customer_name: string
  title: string
  kind: ExpansionKind
  category: ExpansionCategory
  capacity_kva: number
  rule_set: string
  status: ApplicationStatus
  current_stage: ExpansionStage | null
  holder: Holder
  lead_name: string | null
  on_time: boolean | null
  supplier_days: number
  total_limit_days: number | null
  accepted_at: Instant
  completed_at: Instant | null
  stages: ApplicationStageView[]
  pauses: ApplicationPause[]
}

export interface ApplicationInput {
  customer_id: number | null
  kind: string
  category: string
  title: string
  capacity_kva?: number
  rule_set?: string
  lead_id?: number
  accepted_at?: string
}

export function listApplications(query: Query): Promise<ListResult<ApplicationRow>> {
  return http.get<ListResult<ApplicationRow>>('/expansion/applications', query)
}

export function createApplication(input: ApplicationInput): Promise<ApplicationDetail> {
  return http.post<ApplicationDetail>('/expansion/applications', input, { silent: true })
}

export function fetchApplication(id: number): Promise<ApplicationDetail> {
  return http.get<ApplicationDetail>(`/expansion/applications/${id}`)
}

// Finishes the running stage (only that one, in order); `at` defaults to now on the server.
export function finishStage(id: number, stage: ExpansionStage, input: { at?: string; note?: string }): Promise<ApplicationDetail> {
  return http.post<ApplicationDetail>(`/expansion/applications/${id}/stages/${stage}/finish`, input, { silent: true })
}

// Starts a stage that waits for the customer (design submitted, works reported finished).
export function startStage(id: number, stage: ExpansionStage, input: { at?: string }): Promise<ApplicationDetail> {
  return http.post<ApplicationDetail>(`/expansion/applications/${id}/stages/${stage}/start`, input, { silent: true })
}

export function assignStage(
  id: number,
  stage: ExpansionStage,
  input: { department_id?: number; assignee_id?: number },
): Promise<ApplicationDetail> {
  return http.put<ApplicationDetail>(`/expansion/applications/${id}/stages/${stage}/assignment`, input, { silent: true })
}

export function pauseApplication(id: number, input: { reason: string; at?: string }): Promise<ApplicationDetail> {
  return http.post<ApplicationDetail>(`/expansion/applications/${id}/pause`, input, { silent: true })
}

export function resumeApplication(id: number, input: { at?: string }): Promise<ApplicationDetail> {
  return http.post<ApplicationDetail>(`/expansion/applications/${id}/resume`, input, { silent: true })
}

// ---- progress notice (进度告知) ---------------------------------------------------------------

export interface ProgressStage {
  stage: ExpansionStage
  status: StageStatus
  started_at: Instant | null
  finished_at: Instant | null
  due: Instant | null
}

export interface ApplicationProgress {
  number: string
  customer_name: string
  title: string
  kind: ExpansionKind
  category: ExpansionCategory
  status: ApplicationStatus
  accepted_at: Instant
  completed_at: Instant | null
  current_stage: ExpansionStage | null
  holder: Holder
  // Plain-language text for the customer (Chinese), worded by the server.
  next_step: string
  stages: ProgressStage[]
  // The person the customer may call: the project lead (the key account's manager).
  contact: { name: string; phone: string | null } | null
  paused?: boolean
  sms_text: string
}

export interface SmsResult {
  queued: number
  recipients: { name: string; mobile: string }[]
}

export function fetchProgress(id: number): Promise<ApplicationProgress> {
  return http.get<ApplicationProgress>(`/expansion/applications/${id}/progress`, undefined, { silent: true })
}

export function downloadProgressPdf(id: number, number: string): Promise<void> {
  return download(`/expansion/applications/${id}/progress.pdf`, undefined, `${number || 'expansion-' + id}-progress.pdf`)
}

// 409 when no contact of the customer takes expansion notices (the caller shows the message).
export function sendProgressSms(id: number): Promise<SmsResult> {
  return http.post<SmsResult>(`/expansion/applications/${id}/progress/sms`, {}, { silent: true })
}

// ---- analysis (环节瓶颈分析) -------------------------------------------------------------------

export interface AnalysisTotals {
  applications: number
  completed: number
  open: number
  on_time: number
  on_time_rate: number | null
  avg_supplier_days: number | null
  p90_supplier_days: number | null
}

export interface StageFigures {
  stage: ExpansionStage
  done: number
  avg_days: number | null
  p90_days: number | null
  with_limit: number
  late: number
  on_time_rate: number | null
  open: number
}

export interface DepartmentFigures {
  id: number | null
  name: string | null
  stages_done: number
  avg_days: number | null
  p90_days: number | null
  on_time_rate: number | null
}

export interface BureauFigures {
  id: number
  name: string
  applications: number
  completed: number
  on_time: number
  on_time_rate: number | null
  avg_supplier_days: number | null
  p90_supplier_days: number | null
}

export interface OldestOpen {
  id: number
  number: string
  customer_name: string
  title: string
  current_stage: ExpansionStage | null
  holder: Holder
  accepted_at: Instant
  age_days: number
}

export interface ExpansionAnalysis {
  from: string
  to: string
  totals: AnalysisTotals
  stages: StageFigures[]
  departments: DepartmentFigures[]
  bureaus: BureauFigures[]
  oldest_open: OldestOpen[]
}

export function fetchExpansionAnalysis(query: Query): Promise<ExpansionAnalysis> {
  return http.get<ExpansionAnalysis>('/expansion/analysis', query, { silent: true })
}

// Needs customer.export.
export function exportExpansionAnalysis(query: Query): Promise<void> {
  return download('/expansion/analysis/export', query, 'expansion-analysis.xlsx')
}

// ---- import of historical applications --------------------------------------------------------

export interface ExpansionImportResult {
  rows: number
  inserted: number
  // numbers imported before (skipped)
  unchanged: number
  completed?: number
  open?: number
}

export function downloadExpansionTemplate(format: TemplateFormat): Promise<void> {
  return download('/expansion/imports/template', { format }, `lianxin-expansion-template.${format}`)
}

// All or nothing: a 422 carries the row-level problems in error.details (the caller shows them).
export function importApplications(file: File): Promise<ExpansionImportResult> {
  return http.post<ExpansionImportResult>('/expansion/imports', undefined, {
    query: { file_name: file.name },
    rawBody: file,
    rawContentType: contentTypeFor(file.name),
    silent: true,
  })
}
