// Key-account identification (大客户识别): runs, their proposed changes, decisions, applying a run,
// and a customer's key-account history. Shapes follow src/keyaccounts/identification.cpp.
import { http, type ListResult, type Query } from './http'
import type { Instant } from './types'

export type RunStatus = 'review' | 'applied'
export type ProposalChange = 'add' | 'remove' | 'keep'
export type ProposalDecision = 'pending' | 'accepted' | 'rejected'
export type ProposalReason = 'top_consumption' | 'important_class' | 'listed_kind' | 'value_score'

export interface IdentificationRules {
  top_n: number
  score_threshold: number
  // consumption, growth, credit, capacity
  weights: number[]
}

export interface IdentificationRun {
  id: number
  org_unit_id: number
  org_unit_name: string
  year: number
  rules: IdentificationRules | null
  status: RunStatus
  candidates: number
  added: number
  removed: number
  kept: number
  created_by: string
  created_at: Instant
  applied_by: string | null
  applied_at: Instant | null
  decisions: Partial<Record<ProposalDecision, number>>
}

export interface AppliedRun extends IdentificationRun {
  applied_added: number
  applied_removed: number
}

export interface ProposalItem {
  customer_id: number
  customer_name: string
  org_unit_name: string
  annual_kwh: number
  importance_class: string
  change: ProposalChange
  reasons: string[]
  rank_in_bureau: number
  score: number
  listed_kind: string | null
  decision: ProposalDecision
  decision_reason: string | null
  decided_by: string | null
  decided_at: Instant | null
}

export interface KeyAccountHistoryEntry {
  action: 'added' | 'removed'
  reason: string
  source: string
  run_id: number | null
  decided_by: string | null
  approved_by: string | null
  at: Instant
}

const base = '/key-accounts/identification-runs'

export function listRuns(query: Query): Promise<ListResult<IdentificationRun>> {
  return http.get<ListResult<IdentificationRun>>(base, query)
}

export function fetchRun(id: number): Promise<IdentificationRun> {
  return http.get<IdentificationRun>(`${base}/${id}`)
}

export function startRun(input: { org_unit_id?: number; year?: number }): Promise<IdentificationRun> {
  return http.post<IdentificationRun>(base, input, { silent: true })
}

export function listRunItems(id: number, query: Query): Promise<ListResult<ProposalItem>> {
  return http.get<ListResult<ProposalItem>>(`${base}/${id}/items`, query)
}

export function decide(
  id: number,
  input: { customer_ids: number[]; decision: 'accepted' | 'rejected'; reason: string },
): Promise<IdentificationRun & { decided: number }> {
  return http.post<IdentificationRun & { decided: number }>(`${base}/${id}/decisions`, input, { silent: true })
}

export function applyRun(id: number): Promise<AppliedRun> {
  return http.post<AppliedRun>(`${base}/${id}/apply`, {}, { silent: true })
}

export function fetchKeyAccountHistory(customerId: number): Promise<ListResult<KeyAccountHistoryEntry>> {
  return http.get<ListResult<KeyAccountHistoryEntry>>(`/customers/${customerId}/key-account-history`)
}

// ---- manual key-account requests (名单调整申请): a reviewer asks to add or remove one customer, an
// approver (someone else) approves or rejects it. Shapes follow list_requests in identification.cpp.
export type RequestAction = 'add' | 'remove'
export type RequestStatus = 'pending' | 'approved' | 'rejected'

export interface KeyAccountRequest {
  id: number
  customer_id: number
  customer_name: string
  action: RequestAction
  reason: string
  status: RequestStatus
  requested_by: string
  requested_at: Instant
  decided_by: string | null
  decided_at: Instant | null
  decision_note: string | null
}

export function listRequests(query: Query): Promise<ListResult<KeyAccountRequest>> {
  return http.get<ListResult<KeyAccountRequest>>('/key-accounts/requests', query)
}

export function createRequest(input: { customer_id: number | null; action: RequestAction | ''; reason: string }): Promise<{ id: number }> {
  return http.post<{ id: number }>('/key-accounts/requests', input, { silent: true })
}

export function decideRequest(id: number, approve: boolean, note: string): Promise<void> {
  return http.post<void>(`/key-accounts/requests/${id}/${approve ? 'approve' : 'reject'}`, { note }, { silent: true })
}
