// Claims (诉求工单): lists, board, detail, steps, chases, attachments, service recovery,
// accountability, the intake screen pop and the analysis. Shapes follow src/claims/queries.cpp.
import { download, http, request, type ListResult, type Query } from './http'
import type { Instant } from './types'

export type ClaimStatus = 'registered' | 'dispatched' | 'accepted' | 'waiting_customer' | 'returned' | 'closed' | 'archived'
export type Urgency = 'normal' | 'amber' | 'red'
export type Verification = 'V' | 'S' | 'U' | 'P'
export type ClaimAction =
  | 'dispatch'
  | 'transfer'
  | 'return'
  | 'accept'
  | 'contact'
  | 'arrive'
  | 'restore'
  | 'wait'
  | 'resume'
  | 'close'
  | 'callback'
  | 'reopen'
  | 'escalate'
  | 'chase'
  | 'note'

export const OPEN_STATUSES: ClaimStatus[] = ['registered', 'dispatched', 'accepted', 'waiting_customer', 'returned']
export const UPSTREAM_CHANNELS = ['95598', '12398', '12345']

export interface ClaimCodes {
  claim_types: string[]
  complaint_classes: string[]
  service_request_types: string[]
  channels: string[]
  statuses: ClaimStatus[]
  satisfactions: string[]
  sensitive_marks: string[]
  root_causes: string[]
  recovery_kinds: string[]
  area_types: string[]
  clocks: string[]
}

export interface ClaimListItem {
  id: number
  number: string
  upstream_no: string | null
  channel: string
  claim_type: string
  sub_type: string | null
  complaint_class: string | null
  status: ClaimStatus
  title: string
  customer_id: number | null
  customer_name: string | null
  caller_name: string
  caller_phone: string
  org_unit_id: number
  department_id: number | null
  department_name: string | null
  assignee_id: number | null
  assignee_name: string | null
  key_account: boolean
  importance_class: string
  sensitive_marks: string[]
  parent_id: number | null
  repeat_of: number | null
  repeat_count: number
  chase_count: number
  escalation_level: number
  created_at: Instant
  closed_at: Instant | null
  next_due: Instant | null
  urgency: Urgency
  version: number
}

export interface ClaimClock {
  id: number
  name: string
  state: 'running' | 'paused' | 'met' | 'cancelled'
  amount: number
  unit: string
  started_at: Instant
  due: Instant | null
  met_at: Instant | null
  breached_at: Instant | null
  inherited: boolean
  paused: boolean
  overdue: boolean
  calendar_missing: boolean
  elapsed_permille: number
  urgency: Urgency
  policy_code: string
  source: string
  verification: Verification
}

export interface ClaimEvent {
  id: number
  at: Instant
  // The acting user's display name (their current one), and the user name recorded with the event.
  actor: string
  actor_username: string
  kind: string
  from_status: string | null
  to_status: string | null
  note: string | null
  internal: boolean
}

export interface ClaimAttachment {
  id: number
  file_name: string
  content_type: string
  size_bytes: number
  sha256: string
  uploaded_by: string
  uploaded_at: Instant
}

export interface ClaimEscalation {
  level: number
  reason: string
  org_unit: string
  at: Instant
}

export interface RecoveryTask {
  id: number
  kind: string
  owner_id: number | null
  owner_name: string | null
  due_date: string | null
  status: 'open' | 'done'
  note: string | null
  created_at: Instant
  done_at: Instant | null
}

export interface Accountability {
  id: number
  responsible_org: string
  responsible_person: string
  finding: string
  created_at: Instant
}

export interface RelatedClaim {
  id: number
  number: string
  claim_type: string
  status: ClaimStatus
  title: string
  created_at: Instant
}

export interface PersonRef {
  id: number
  name: string
  mobile: string | null
}

export interface ClaimDetail extends ClaimListItem {
  description: string
  area_type: string
  account_id: number | null
  account_no?: string | null
  org_unit_name: string
  rule_set: string
  reopen_count: number
  first_contact_at: Instant | null
  arrived_at: Instant | null
  // intake (the upstream receipt time, else registration): the clocks and the arrival time count from it
  received_at: Instant
  // fault repair: supply restored (the restore step)
  restored_at: Instant | null
  resolution: string | null
  root_cause: string | null
  measures: string | null
  valid_complaint: boolean | null
  satisfaction: string | null
  callback_at: Instant | null
  callback_note: string | null
  account_manager?: PersonRef
  policy?: { id: number; code: string; name: string; source: string; verification: Verification }
  clocks: ClaimClock[]
  events: ClaimEvent[]
  attachments: ClaimAttachment[]
  escalations: ClaimEscalation[]
  recovery_tasks: RecoveryTask[]
  accountability: Accountability[]
  repeat_group: RelatedClaim[]
  chases: RelatedClaim[]
  allowed_actions: ClaimAction[]
}

export interface ClaimBoard {
  by_status: Record<ClaimStatus, number>
  overdue: number
  escalated: number
  departments: { department_id: number; name: string; open: number; unaccepted: number }[]
  awaiting_dispatch: ClaimListItem[]
}

export interface CustomerClaims {
  customer_id: number
  customer_name: string
  key_account: boolean
  importance_class: string
  open: ClaimListItem[]
  recent: ClaimListItem[]
  claims_last_12_months: number
  account_manager: PersonRef | null
}

export interface ClaimIntake {
  channel: string
  claim_type: string
  complaint_class?: string
  sub_type?: string
  title: string
  description: string
  caller_name?: string
  caller_phone?: string
  upstream_no?: string
  upstream_deadlines?: Record<string, string>
  received_at?: string
  area_type?: string
  customer_id?: number
  account_id?: number
  org_unit_id?: number
  department_id?: number
  sensitive_marks?: string[]
}

export interface StepInput {
  version: number
  note?: string
  department_id?: number
  assignee_id?: number
  resolution?: string
  root_cause?: string
  measures?: string
  valid_complaint?: boolean
  satisfaction?: string
  unsatisfied_action?: string
  recovery_kinds?: string[]
  marks?: string[]
  // restore: when supply was restored (ISO instant; default now)
  at?: string
}

export interface AnalysisKpi {
  code: string
  value: number | null
  numerator: number
  denominator: number
  previous: number | null
  change_percent: number | null
  definition: string
}

export interface AnalysisGroup {
  key: string
  count: number
  complaints: number
  repeat_rate: number | null
  callback_satisfaction: number | null
  previous: number
  change_percent: number | null
}

export interface ClaimAnalysis {
  from: string
  to: string
  previous_from: string
  previous_to: string
  group_by: string
  customers: number
  kpis: AnalysisKpi[]
  groups: AnalysisGroup[]
}

export function fetchClaimCodes(): Promise<ClaimCodes> {
  return http.get<ClaimCodes>('/claims/codes')
}

export function listClaims(query: Query): Promise<ListResult<ClaimListItem>> {
  return http.get<ListResult<ClaimListItem>>('/claims', query)
}

// Someone a claim can be assigned to in a department (dispatch and transfer dialogs).
export interface ClaimAssignee {
  id: number
  username: string
  display_name: string
  role: string
}

// Active users of a department in the caller's scope; needs claim.dispatch or claim.handle. The
// dialog handles a refusal itself (the assignee is optional).
export function listAssignees(departmentId: number): Promise<ListResult<ClaimAssignee>> {
  return http.get<ListResult<ClaimAssignee>>('/claims/assignees', { department_id: departmentId }, { silent: true })
}

export function fetchBoard(): Promise<ClaimBoard> {
  return http.get<ClaimBoard>('/claims/board')
}

export function fetchClaim(id: number): Promise<ClaimDetail> {
  return http.get<ClaimDetail>(`/claims/${id}`)
}

export function createClaim(input: ClaimIntake): Promise<ClaimDetail> {
  return http.post<ClaimDetail>('/claims', input, { silent: true })
}

// A step of the status machine; the caller shows field errors and conflicts itself.
export function applyStep(id: number, action: ClaimAction, input: StepInput): Promise<ClaimDetail> {
  return http.post<ClaimDetail>(`/claims/${id}/actions/${action}`, input, { silent: true })
}

export function chaseClaim(id: number, note: string, channel?: string): Promise<ClaimDetail & { chase_id: number }> {
  return http.post<ClaimDetail & { chase_id: number }>(`/claims/${id}/chase`, { note, channel }, { silent: true })
}

// The file is the raw body; its name goes in the query.
export function uploadAttachment(id: number, file: File): Promise<{ id: number; claim: ClaimDetail }> {
  return request<{ id: number; claim: ClaimDetail }>('POST', `/claims/${id}/attachments`, {
    query: { file_name: file.name },
    rawBody: file,
    rawContentType: file.type || 'application/octet-stream',
  })
}

export function downloadAttachment(claimId: number, attachment: ClaimAttachment): Promise<void> {
  return download(`/claims/${claimId}/attachments/${attachment.id}`, undefined, attachment.file_name)
}

export function addRecoveryTask(
  id: number,
  input: { kind: string; owner_id?: number; due_date?: string; note?: string },
): Promise<ClaimDetail> {
  return http.post<ClaimDetail>(`/claims/${id}/recovery-tasks`, input, { silent: true })
}

export function completeRecoveryTask(id: number, taskId: number, note: string): Promise<ClaimDetail> {
  return http.post<ClaimDetail>(`/claims/${id}/recovery-tasks/${taskId}/done`, { note }, { silent: true })
}

export function addAccountability(
  id: number,
  input: { responsible_org_id: number; responsible_person: string; finding: string },
): Promise<ClaimDetail> {
  return http.post<ClaimDetail>(`/claims/${id}/accountability`, input, { silent: true })
}

export function fetchCustomerClaims(customerId: number): Promise<CustomerClaims> {
  return http.get<CustomerClaims>(`/customers/${customerId}/claims`)
}

export function fetchAnalysis(query: Query): Promise<ClaimAnalysis> {
  return http.get<ClaimAnalysis>('/claims/analysis', query, { silent: true })
}

export function exportAnalysis(query: Query): Promise<void> {
  return download('/claims/analysis/export', query, 'claims-analysis.xlsx')
}

// Fault repair against rules_cn §1.1 第三条 (GET /claims/repair-measures): averages per area type
// against the commitment, and the orders over it.
export interface RepairMeasureRow {
  area_type: string
  orders: number
  arrived: number
  avg_arrival_minutes: number | null
  arrival_commitment_minutes: number
  arrival_met: boolean | null
  arrival_commitment_source: string
  arrival_commitment_verification: Verification | ''
  restored: number
  avg_restore_hours: number | null
  restore_commitment_hours: number
  restore_met: boolean | null
  restore_commitment_source: string
  restore_commitment_verification: Verification | ''
}

export interface RepairAlarm {
  claim_id: number
  number: string
  area_type: string
  status: ClaimStatus
  received_at: Instant
  arrived_at: Instant | null
  restored_at: Instant | null
  arrival_minutes: number | null
  restore_hours: number | null
  reasons: ('arrival' | 'restoration')[]
}

export interface RepairMeasures {
  from: string
  to: string
  org_unit_id: number | null
  rows: RepairMeasureRow[]
  totals: {
    orders: number
    arrived: number
    avg_arrival_minutes: number | null
    restored: number
    avg_restore_hours: number | null
    alarms: number
    late_arrivals: number
    late_restorations: number
  }
  alarms: RepairAlarm[]
  alarms_total: number
}

export function fetchRepairMeasures(query: Query): Promise<RepairMeasures> {
  return http.get<RepairMeasures>('/claims/repair-measures', query, { silent: true })
}

export function exportRepairMeasures(query: Query): Promise<void> {
  return download('/claims/repair-measures/export', query, 'repair-measures.xlsx')
}
