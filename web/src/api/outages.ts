// Outages and power-limitation notices (停电/限电告知): outage events on lines, sections, transformer
// areas or single accounts with their approval flow (draft → checked → approved → notified →
// in_progress → restored, or cancelled), the affected accounts computed from the supply topology, the
// lead-time check, the conflicts with other departments' works and the blockers (yearly limit,
// guaranteed supply), the notice board and its confirmations, delays, the supply topology and its
// import, guaranteed-supply periods, the reliability figures and a customer's interruption history.
// Shapes follow src/outages/{service,notices,topology}.cpp and docs/openapi.yaml. Commands are
// `silent`: the pages show their errors themselves (field errors beside the fields).
import { ApiError, download, http, rawRequest, type ListResult, type Query } from './http'
import { contentTypeFor, type TemplateFormat } from './imports'
import type { Instant } from './types'

export type OutageKind = 'planned' | 'temporary' | 'fault' | 'arrears' | 'limitation' | 'transfer'
export type OutageStatus = 'draft' | 'checked' | 'approved' | 'notified' | 'in_progress' | 'restored' | 'cancelled'
export type Requester = 'construction' | 'maintenance' | 'expansion' | 'marketing' | 'dispatch' | 'other'
export type Effect = 'out' | 'one_source'
export type NoticeChannel = 'sms' | 'call' | 'posting'
export type NoticeStatus = 'planned' | 'sent' | 'delivered' | 'acknowledged' | 'posted' | 'cancelled'
export type NoticePurpose = 'notice' | 'delay' | 'cancel'
export type GuaranteeKind = 'customer' | 'event'
export type ReliabilityGroup = 'line' | 'bureau'

export const OUTAGE_KINDS: OutageKind[] = ['planned', 'temporary', 'fault', 'arrears', 'limitation', 'transfer']
export const OUTAGE_STATUSES: OutageStatus[] = ['draft', 'checked', 'approved', 'notified', 'in_progress', 'restored', 'cancelled']
// The approval flow in order (cancelled is off the line).
export const OUTAGE_FLOW: OutageStatus[] = ['draft', 'checked', 'approved', 'notified', 'in_progress', 'restored']
export const REQUESTERS: Requester[] = ['construction', 'maintenance', 'expansion', 'marketing', 'dispatch', 'other']
export const EFFECTS: Effect[] = ['out', 'one_source']
export const NOTICE_CHANNELS: NoticeChannel[] = ['sms', 'call', 'posting']
// The columns of the notice board, in the order a notice goes through them.
export const NOTICE_STATUSES: NoticeStatus[] = ['planned', 'sent', 'delivered', 'acknowledged', 'posted', 'cancelled']
export const GUARANTEE_KINDS: GuaranteeKind[] = ['customer', 'event']

export interface NamedRef {
  id: number
  name: string
}

// ---- outages ----------------------------------------------------------------------------------

export interface OutageRow {
  id: number
  number: string
  kind: OutageKind
  status: OutageStatus
  title: string
  requester: Requester
  planned_start: Instant
  planned_end: Instant
  actual_start: Instant | null
  actual_end: Instant | null
  affected_accounts: number
  affected_customers: number
}

export interface LeadCheck {
  required_hours: number
  required_hours_important: number
  // The latest time the notices must go out for every customer to get the lead time.
  notify_by: Instant
  short: boolean
  short_customers: number
  short_hours: number
}

export interface ScopeRef {
  id: number
  code: string
  name: string
}

export interface OutageScope {
  lines: ScopeRef[]
  sections: ScopeRef[]
  areas: ScopeRef[]
  accounts: ScopeRef[]
}

// Another department's work on the same accounts within the coordination window.
export interface OutageConflict {
  outage_id: number
  number: string
  title: string
  kind: OutageKind
  status: OutageStatus
  requester: Requester | string
  department: NamedRef | null
  planned_start: Instant
  planned_end: Instant
  shared_accounts: number
  shared_customers?: number
  // 0 when the two works overlap in time
  days_apart: number
  overlapping?: boolean
  // The server's wording of the merge proposal (Chinese).
  proposal?: string | null
}

export interface YearlyLimitAccount {
  account_id: number
  account_no: string
  customer_id: number
  customer_name: string
  planned_this_year: number
}

export interface BlockingGuarantee {
  id: number
  name: string
  kind: GuaranteeKind
  customer_id?: number | null
  customer_name: string | null
  org_unit_name: string | null
  starts_at: Instant
  ends_at: Instant
  reason?: string
}

export interface OutageBlockers {
  yearly_limit?: { limit: number; year?: number; accounts: YearlyLimitAccount[]; total?: number } | null
  guarantees?: BlockingGuarantee[]
  blocked?: boolean
}

export interface OutageDelay {
  previous_end: Instant
  expected_end: Instant
  reason: string
  customers_told: number
  created_by: string
  created_at: Instant
}

export interface OutageDetail extends OutageRow {
  work: string
  department: NamedRef | null
  expected_end: Instant | null
  limit_level: string | null
  limit_share: number | null
  lead_justification: string | null
  accounts_out: number
  accounts_on_one_source: number
  key_accounts: number
  important_customers: number
  lead_check: LeadCheck
  notices: number
  notices_acknowledged: number
  scope: OutageScope
  created_by: string
  created_at: Instant
  version: number
  // Coordination and blockers (part 3 of the server; absent on an older server).
  conflicts?: OutageConflict[]
  coordination_window_days?: number
  blockers?: OutageBlockers | null
  override_reason?: string | null
  override_by?: string | null
  cancel_reason?: string | null
  delays?: OutageDelay[]
}

export interface ScopeInput {
  lines?: number[]
  sections?: number[]
  areas?: number[]
  accounts?: number[]
}

export interface OutageInput {
  kind?: OutageKind
  title: string
  work?: string
  requester: string
  department_id?: number
  planned_start: string
  planned_end: string
  limit_level?: string
  limit_share?: number
  scope: ScopeInput
}

export function listOutages(query: Query): Promise<ListResult<OutageRow>> {
  return http.get<ListResult<OutageRow>>('/outages', query)
}

export function exportOutages(query: Query): Promise<void> {
  return download('/outages/export', query, 'outages.xlsx')
}

export function fetchOutage(id: number): Promise<OutageDetail> {
  return http.get<OutageDetail>(`/outages/${id}`)
}

export function createOutage(input: OutageInput): Promise<OutageDetail> {
  return http.post<OutageDetail>('/outages', input, { silent: true })
}

export function updateOutage(id: number, input: OutageInput): Promise<OutageDetail> {
  return http.put<OutageDetail>(`/outages/${id}`, input, { silent: true })
}

// The commands on an outage; each answers with the outage.
export type OutageAction = 'check' | 'reopen' | 'approve' | 'notify' | 'start' | 'delay' | 'restore' | 'cancel'

export interface ActionInput {
  justification?: string
  override_reason?: string
  at?: string
  expected_end?: string
  reason?: string
}

export function runOutageAction(id: number, action: OutageAction, input: ActionInput = {}): Promise<OutageDetail> {
  return http.post<OutageDetail>(`/outages/${id}/${action}`, input, { silent: true })
}

// ---- affected accounts ------------------------------------------------------------------------

export interface AffectedAccount {
  account_id: number
  account_no: string
  customer_id: number
  customer_name: string
  effect: Effect
  importance_class: string
  key_account: boolean
  manager_name: string | null
  outage_sensitivity: string
  supply_sources: number
  emergency_power: boolean
  emergency_plan: boolean
  lead_short: boolean
}

export function listAffected(id: number, query: Query): Promise<ListResult<AffectedAccount>> {
  return http.get<ListResult<AffectedAccount>>(`/outages/${id}/affected`, query)
}

export function exportAffected(id: number, number: string, query: Query): Promise<void> {
  return download(`/outages/${id}/affected/export`, query, `${number || 'outage-' + id}-affected.xlsx`)
}

// ---- notices ----------------------------------------------------------------------------------

export interface OutageNotice {
  id: number
  round: number
  purpose?: NoticePurpose
  customer_id: number
  customer_name: string
  channel: NoticeChannel
  address: string | null
  contact_name: string | null
  status: NoticeStatus
  due_at: Instant
  lead_short: boolean
  sent_at: Instant | null
  // The SMS's outbox state: pending, sent (delivered to the gateway), failed, dead.
  delivery?: string | null
  acknowledged_at: Instant | null
  ack_via: string | null
  posted_at: Instant | null
  posted_place: string | null
  has_photo?: boolean
  key_account: boolean
  text: string
}

// Counts by channel and status: {sms: {planned: 3, sent: 10, …}, call: {…}, posting: {…}}.
export type NoticeBoard = Partial<Record<string, Record<string, number>>>

export interface NoticeList extends ListResult<OutageNotice> {
  board: NoticeBoard
}

export function listNotices(id: number, query: Query): Promise<NoticeList> {
  return http.get<NoticeList>(`/outages/${id}/notices`, query)
}

export function acknowledgeNotice(noticeId: number, input: { via: 'call' | 'ui'; note?: string }): Promise<{ id: number; acknowledged: boolean }> {
  return http.post(`/outage-notices/${noticeId}/ack`, input, { silent: true })
}

export function recordPosting(noticeId: number, input: { place: string; at?: string; posted_at?: string }): Promise<{ id: number; posted: boolean }> {
  return http.post(`/outage-notices/${noticeId}/posting`, input, { silent: true })
}

export function uploadPostingPhoto(noticeId: number, file: File): Promise<{ id: number; has_photo: boolean }> {
  return http.post(`/outage-notices/${noticeId}/photo`, undefined, {
    query: { file_name: file.name },
    rawBody: file,
    rawContentType: file.type || (/\.png$/i.test(file.name) ? 'image/png' : 'image/jpeg'),
    silent: true,
  })
}

// The photo as an object URL for an <img> (the caller revokes it); null when there is none.
export async function fetchPostingPhoto(noticeId: number): Promise<string | null> {
  try {
    const response = await rawRequest('GET', `/outage-notices/${noticeId}/photo`, { silent: true })
    return URL.createObjectURL(await response.blob())
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null
    throw error
  }
}

// ---- the customer's confirmation link (no login) -----------------------------------------------

export interface PublicAck {
  customer_name: string
  title: string
  start: Instant
  end: Instant
  text?: string | null
  acknowledged_at: Instant | null
}

export function fetchPublicAck(token: string): Promise<PublicAck> {
  return http.get<PublicAck>(`/public/outage-ack/${encodeURIComponent(token)}`, undefined, { silent: true, noAuthRedirect: true })
}

export function confirmPublicAck(token: string): Promise<PublicAck> {
  return http.post<PublicAck>(`/public/outage-ack/${encodeURIComponent(token)}`, {}, { silent: true, noAuthRedirect: true })
}

// ---- topology ---------------------------------------------------------------------------------

export interface TopologyLine {
  id: number
  code: string
  name: string
  voltage_kv: number
  sections: number
  areas: number
}

export interface Substation {
  id: number
  code: string
  name: string
  voltage_kv: number
  org_unit_name: string
  lines: TopologyLine[]
}

export interface TopologyArea {
  id: number
  code: string
  name: string
  capacity_kva: number | null
  accounts: number
}

export interface TopologySection {
  id: number
  code: string
  name: string
  parent_id: number | null
  switch_code: string | null
  accounts: number
  areas: TopologyArea[]
}

export interface LineTree {
  id: number
  code: string
  name: string
  voltage_kv: number
  substation_name: string
  // accounts fed straight from the line (neither through a section nor a transformer area)
  accounts_on_line: number
  // accounts that take a second or third source from this line
  further_sources: number
  areas_on_line: TopologyArea[]
  sections: TopologySection[]
}

export function listSubstations(): Promise<{ items: Substation[] }> {
  return http.get<{ items: Substation[] }>('/topology/substations')
}

// Every account the line feeds as first source: straight from the line, behind its sections, in its
// transformer areas.
export function lineAccounts(tree: LineTree): number {
  const sections = tree.sections.reduce((sum, section) => sum + section.accounts + section.areas.reduce((n, area) => n + area.accounts, 0), 0)
  return tree.accounts_on_line + sections + tree.areas_on_line.reduce((sum, area) => sum + area.accounts, 0)
}

export function fetchLineTree(id: number): Promise<LineTree> {
  return http.get<LineTree>(`/topology/lines/${id}`)
}

export interface TopologyImportResult {
  import_id: number
  rows: number
  inserted: number
  updated: number
  unchanged: number
}

export function downloadTopologyTemplate(format: TemplateFormat): Promise<void> {
  return download('/topology/imports/template', { format }, `lianxin-topology-template.${format}`)
}

// All or nothing: a 422 carries the row-level problems in error.details (the caller shows them).
export function importTopology(file: File): Promise<TopologyImportResult> {
  return http.post<TopologyImportResult>('/topology/imports', undefined, {
    query: { file_name: file.name },
    rawBody: file,
    rawContentType: contentTypeFor(file.name),
    silent: true,
  })
}

// ---- guaranteed supply (保供电) ----------------------------------------------------------------

export interface SupplyGuarantee {
  id: number
  name: string
  kind: GuaranteeKind
  customer_id: number | null
  customer_name: string | null
  org_unit_id: number | null
  org_unit_name: string | null
  starts_at: Instant
  ends_at: Instant
  reason: string
  active: boolean
  created_by: string
}

export interface GuaranteeInput {
  name: string
  kind: GuaranteeKind
  customer_id?: number | null
  org_unit_id?: number | null
  starts_at: string
  ends_at: string
  reason: string
}

// Query: from, to (YYYY-MM-DD: periods overlapping these days), include_inactive.
export function listGuarantees(query: Query): Promise<ListResult<SupplyGuarantee>> {
  return http.get<ListResult<SupplyGuarantee>>('/supply-guarantees', query)
}

export function createGuarantee(input: GuaranteeInput): Promise<{ id: number }> {
  return http.post<{ id: number }>('/supply-guarantees', input, { silent: true })
}

export function updateGuarantee(id: number, input: GuaranteeInput): Promise<{ id: number }> {
  return http.put<{ id: number }>(`/supply-guarantees/${id}`, input, { silent: true })
}

export function deactivateGuarantee(id: number): Promise<unknown> {
  return http.delete(`/supply-guarantees/${id}`, { silent: true })
}

// ---- reliability (供电可靠性) ------------------------------------------------------------------

export interface ReliabilityFigures {
  accounts: number
  interruptions: number
  customer_hours: number
  // average interruption hours per customer (AIHC), interruptions per customer (SAIFI), RS-1 (%)
  aihc: number | null
  saifi: number | null
  rs1: number | null
  // RS-3: the rate without orderly power use (limitation)
  rs3?: number | null
}

export interface ReliabilityRow extends ReliabilityFigures {
  id: number
  name: string
  bureau: string | null
}

export interface Reliability {
  from: string
  to: string
  group_by?: ReliabilityGroup
  period_hours: number
  rows: ReliabilityRow[]
  totals: ReliabilityFigures
}

export function fetchReliability(query: Query): Promise<Reliability> {
  return http.get<Reliability>('/outages/reliability', query, { silent: true })
}

export function exportReliability(query: Query): Promise<void> {
  return download('/outages/reliability/export', query, 'reliability.xlsx')
}

// ---- a customer's interruption history --------------------------------------------------------

export interface InterruptionItem {
  outage_id: number
  number: string
  kind: OutageKind
  title: string
  account_id: number
  account_no: string
  start: Instant
  end: Instant | null
  minutes: number
  ongoing?: boolean
}

export interface UpcomingOutage {
  outage_id: number
  number: string
  kind: OutageKind
  title: string
  status: OutageStatus
  planned_start: Instant
  planned_end: Instant
}

export interface InterruptionHistory {
  from?: string
  to?: string
  totals: { interruptions: number; minutes: number; planned: number; unplanned: number }
  accounts: { account_id: number; account_no: string; interruptions: number; minutes: number }[]
  items: InterruptionItem[]
  upcoming?: UpcomingOutage[]
}

export function fetchInterruptions(customerId: number, query: Query): Promise<InterruptionHistory> {
  return http.get<InterruptionHistory>(`/customers/${customerId}/interruptions`, query, { silent: true })
}
