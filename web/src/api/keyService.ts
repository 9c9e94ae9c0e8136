// Key-account service (客户经理制, “五个一”, visits and action items, emergency plans and drills,
// usage plans, equipment register, the account manager's home). Shapes follow
// src/keyaccounts/{portfolio,programme,visits,plans,home}.cpp. Commands are `silent`: the pages
// show their errors themselves (field errors beside the fields, useFieldErrors).
import { download, http, request, type ItemsResult, type ListResult, type Query } from './http'
import type { Instant } from './types'

export type Tier = 'A' | 'B' | 'C'
export type TeamFunction = 'service' | 'operation' | 'safety' | 'energy'
export type ProgrammeKind = 'manager' | 'leader_visit' | 'drill' | 'usage_plan' | 'diagnosis'
export type VisitKind = 'leader' | 'regular' | 'adhoc' | 'introduction'
export type VisitStatus = 'planned' | 'done' | 'cancelled'
export type ActionSource = 'visit' | 'drill' | 'equipment' | 'manual'
export type EquipmentKind = 'transformer' | 'switchgear' | 'cable' | 'protection' | 'capacitor' | 'other'
export type HealthGrade = 'normal' | 'attention' | 'abnormal' | 'severe'
export type RecommendationAction = 'replace' | 'overhaul' | 'retrofit'
export type AttachmentEntity = 'programme_item' | 'visit' | 'drill' | 'action_item' | 'equipment'

export const PROGRAMME_KINDS: ProgrammeKind[] = ['manager', 'leader_visit', 'drill', 'usage_plan', 'diagnosis']
export const TIERS: Tier[] = ['A', 'B', 'C']
export const TEAM_FUNCTIONS: TeamFunction[] = ['service', 'operation', 'safety', 'energy']
export const VISIT_KINDS: VisitKind[] = ['leader', 'regular', 'adhoc', 'introduction']
export const VISIT_STATUSES: VisitStatus[] = ['planned', 'done', 'cancelled']
export const ACTION_SOURCES: ActionSource[] = ['visit', 'drill', 'equipment', 'manual']
export const EQUIPMENT_KINDS: EquipmentKind[] = ['transformer', 'switchgear', 'cable', 'protection', 'capacitor', 'other']
export const HEALTH_GRADES: HealthGrade[] = ['normal', 'attention', 'abnormal', 'severe']
export const RECOMMENDATION_ACTIONS: RecommendationAction[] = ['replace', 'overhaul', 'retrofit']

export interface UserRef {
  id: number
  name: string
}

// ---- list, card, managers ------------------------------------------------------------------------
export interface KeyAccountRow {
  customer_id: number
  name: string
  org_unit_name: string
  tier: Tier | null
  manager: UserRef | null
  backup_manager: UserRef | null
  annual_kwh: number
  importance_class: string
  score: number | null
  programme_done: number
  open_items: number
  overdue_items: number
}

export interface TeamMember {
  id: number
  function: TeamFunction
  user_id: number | null
  name: string
  mobile: string | null
}

export interface PackageService {
  service: string
  times_per_year: number
}

export interface AssignedPackage {
  id: number
  code: string
  name: string
  assigned_at: Instant | null
  services: PackageService[]
}

export interface ServicePackage {
  id: number
  code: string
  name: string
  description: string | null
  active: boolean
  services: PackageService[]
}

export interface Handover {
  id: number
  role: 'primary' | 'backup'
  from: string | null
  to: string | null
  reason: string
  notes: string | null
  items_moved: number
  by: string
  at: Instant | null
}

export interface KeyAccountCard {
  customer_id: number
  name: string
  is_key_account: boolean
  org_unit_name: string
  tier: Tier | null
  manager: UserRef | null
  backup_manager: UserRef | null
  team: TeamMember[]
  packages: AssignedPackage[]
  handovers: Handover[]
}

export interface ManagerRow {
  id: number
  name: string
  org_unit_name: string
  accounts: number
  backup_accounts: number
  open_items: number
  overdue_items: number
  covered_by: string | null
}

export interface Cover {
  id: number
  manager: UserRef
  cover: UserRef
  starts_on: string
  ends_on: string
  reason: string
}

export interface HandoverInput {
  role: 'primary' | 'backup'
  to_user_id?: number | null
  reason: string
  notes?: string
}

export interface TeamMemberInput {
  function: string
  user_id?: number
  name?: string
  mobile?: string
}

export interface PackageInput {
  code: string
  name: string
  description?: string
  services: PackageService[]
}

export function listKeyAccounts(query: Query): Promise<ListResult<KeyAccountRow>> {
  return http.get<ListResult<KeyAccountRow>>('/key-accounts', query)
}

export function fetchCard(customerId: number): Promise<KeyAccountCard> {
  return http.get<KeyAccountCard>(`/key-accounts/${customerId}`)
}

export function setTier(customerId: number, tier: Tier): Promise<KeyAccountCard> {
  return http.put<KeyAccountCard>(`/key-accounts/${customerId}/tier`, { tier }, { silent: true })
}

export function handOver(customerId: number, input: HandoverInput): Promise<{ id: number; items_moved: number; card: KeyAccountCard }> {
  return http.post(`/key-accounts/${customerId}/handovers`, input, { silent: true })
}

export function listManagers(): Promise<ItemsResult<ManagerRow>> {
  return http.get<ItemsResult<ManagerRow>>('/managers')
}

export function handOverPortfolio(
  managerId: number,
  input: { to_user_id: number | null; reason: string; notes?: string },
): Promise<{ accounts: number; items_moved: number }> {
  return http.post(`/managers/${managerId}/handover`, input, { silent: true })
}

export function addCover(
  managerId: number,
  input: { cover_id: number | null; starts_on: string; ends_on: string; reason: string },
): Promise<{ id: number }> {
  return http.post(`/managers/${managerId}/covers`, input, { silent: true })
}

export function listCovers(current = true): Promise<ItemsResult<Cover>> {
  return http.get<ItemsResult<Cover>>('/manager-covers', { current })
}

export function cancelCover(id: number): Promise<void> {
  return http.post<void>(`/manager-covers/${id}/cancel`, {}, { silent: true })
}

export function addTeamMember(customerId: number, input: TeamMemberInput): Promise<KeyAccountCard> {
  return http.post<KeyAccountCard>(`/key-accounts/${customerId}/team`, input, { silent: true })
}

export function removeTeamMember(customerId: number, memberId: number): Promise<void> {
  return http.delete<void>(`/key-accounts/${customerId}/team/${memberId}`, { silent: true })
}

export function listPackages(): Promise<ItemsResult<ServicePackage>> {
  return http.get<ItemsResult<ServicePackage>>('/service-packages')
}

export function createPackage(input: PackageInput): Promise<{ id: number }> {
  return http.post<{ id: number }>('/service-packages', input, { silent: true })
}

export function assignPackage(customerId: number, packageId: number): Promise<KeyAccountCard> {
  return http.put<KeyAccountCard>(`/key-accounts/${customerId}/packages/${packageId}`, {}, { silent: true })
}

export function unassignPackage(customerId: number, packageId: number): Promise<KeyAccountCard> {
  return http.delete<KeyAccountCard>(`/key-accounts/${customerId}/packages/${packageId}`, { silent: true })
}

// ---- the manager's home ----------------------------------------------------------------------------
export interface HomeWorkItem {
  type: 'programme_item' | 'action_item'
  id: number
  kind?: ProgrammeKind
  source?: ActionSource
  action?: RecommendationAction | null
  year?: number
  title: string
  due_date: string
  customer_id: number
  customer_name: string
  owner_name: string | null
}

export interface HomeVisit {
  id: number
  kind: VisitKind
  planned_on: string
  customer_id: number
  customer_name: string
  participants: string
  overdue: boolean
}

export interface RegularVisitDue {
  customer_id: number
  name: string
  tier: string
  last_visit_on: string | null
  due_on: string
  overdue: boolean
}

export interface HomeClaim {
  id: number
  number: string
  title: string
  status: string
  claim_type: string
  created_at: Instant
  next_due_at: Instant | null
  customer_name: string
}

export interface HomeCovering {
  id: number
  manager_name: string
  starts_on: string
  ends_on: string
}

export interface ManagerHome {
  manager: UserRef
  today: string
  accounts: number
  primary_accounts: number
  open_items: number
  overdue_count: number
  due_this_week: HomeWorkItem[]
  overdue: HomeWorkItem[]
  visits_planned: HomeVisit[]
  regular_visits_due: RegularVisitDue[]
  recent_claims: HomeClaim[]
  covering: HomeCovering[]
}

export function fetchHome(managerId?: number | null): Promise<ManagerHome> {
  return http.get<ManagerHome>('/key-accounts/home', { manager_id: managerId ?? undefined })
}

// ---- the “五个一” programme ---------------------------------------------------------------------------
export interface ServiceAttachment {
  id: number
  file_name: string
  size_bytes: number
  uploaded_by?: string | null
  uploaded_at?: Instant | null
}

export interface ProgrammeItem {
  id: number
  kind: ProgrammeKind
  owner: UserRef | null
  due_date: string
  status: 'pending' | 'done'
  done_at: Instant | null
  done_by: string | null
  note: string | null
  ref_entity: string | null
  ref_id: number | null
  attachments: ServiceAttachment[]
}

export interface Programme {
  id: number
  status: 'open' | 'signed_off'
  signed_off_by: string | null
  signed_off_at: Instant | null
  sign_off_note: string | null
  items: ProgrammeItem[]
}

export interface CustomerProgramme {
  customer_id: number
  name: string
  year: number
  is_key_account: boolean
  programme: Programme | null
}

export interface BoardCell {
  id: number
  status: 'pending' | 'done'
  due_date: string
  overdue: boolean
  owner_id: number | null
}

export interface BoardRow {
  programme_id: number
  customer_id: number
  name: string
  org_unit_name: string
  manager: UserRef | null
  status: 'open' | 'signed_off'
  tier: Tier | null
  done: number
  items: Partial<Record<ProgrammeKind, BoardCell>>
}

export interface BoardResult extends ListResult<BoardRow> {
  year: number
  without_programme: number
}

export interface CoverageRow {
  key: number
  name: string
  programmes: number
  done: Record<ProgrammeKind, number>
  complete: number
  signed_off: number
  overdue_items: number
  coverage: number
}

export interface Coverage {
  year: number
  by: 'manager' | 'org_unit'
  rows: CoverageRow[]
  programmes: number
  complete: number
  coverage: number
}

export function generateProgrammes(year: number): Promise<{ year: number; created: number }> {
  return http.post('/programmes/generate', { year }, { silent: true })
}

export function fetchBoard(query: Query): Promise<BoardResult> {
  return http.get<BoardResult>('/programmes/board', query)
}

export function fetchCoverage(year: number, by: 'manager' | 'org_unit'): Promise<Coverage> {
  return http.get<Coverage>('/programmes/coverage', { year, by })
}

export function signOffProgramme(id: number, note: string): Promise<void> {
  return http.post<void>(`/programmes/${id}/sign-off`, { note: note || undefined }, { silent: true })
}

export function fetchProgramme(customerId: number, year: number): Promise<CustomerProgramme> {
  return http.get<CustomerProgramme>(`/customers/${customerId}/programme`, { year })
}

export function updateProgrammeItem(id: number, input: { owner_id?: number; due_date?: string }): Promise<CustomerProgramme> {
  return http.patch<CustomerProgramme>(`/programme-items/${id}`, input, { silent: true })
}

export function completeProgrammeItem(id: number, note: string): Promise<CustomerProgramme> {
  return http.post<CustomerProgramme>(`/programme-items/${id}/complete`, { note: note || undefined }, { silent: true })
}

// ---- visits and action items -------------------------------------------------------------------------
export interface ActionItem {
  id: number
  customer_id: number
  customer_name: string
  source: ActionSource
  source_id: number | null
  action: RecommendationAction | null
  title: string
  owner: UserRef | null
  status: 'open' | 'closed'
  due_date: string
  overdue: boolean
  created_at: Instant | null
  closed_at: Instant | null
  close_note: string | null
  resolved_by_plan_id: number | null
}

export interface VisitRow {
  id: number
  customer_id: number
  customer_name: string
  kind: VisitKind
  status: VisitStatus
  planned_on: string
  done_on: string | null
  participants: string
  manager_name: string | null
  action_items: number
  open_action_items: number
}

export interface VisitDetail {
  id: number
  customer_id: number
  customer_name: string
  kind: VisitKind
  status: VisitStatus
  planned_on: string
  participants: string
  purpose: string | null
  record: string | null
  done_on: string | null
  done_by: string | null
  created_by: string
  created_at: Instant | null
  cancel_reason: string | null
  programme_item_id: number | null
  action_items: ActionItem[]
  attachments: ServiceAttachment[]
}

// What the visit dialogs need of a visit (a list row, the home's planned visit or the detail).
export type VisitRef = Pick<VisitDetail, 'id' | 'kind' | 'customer_name' | 'planned_on' | 'participants'>

export interface NewItemInput {
  title: string
  owner_id: number | null
  due_date: string | null
}

export interface VisitPlanInput {
  customer_id: number | null
  kind: VisitKind | ''
  planned_on: string | null
  participants: string
  purpose?: string
}

export interface VisitCompleteInput {
  done_on?: string
  record: string
  participants?: string
  needs: NewItemInput[]
}

export function listVisits(query: Query): Promise<ListResult<VisitRow>> {
  return http.get<ListResult<VisitRow>>('/visits', query)
}

export function planVisit(input: VisitPlanInput): Promise<VisitDetail> {
  return http.post<VisitDetail>('/visits', input, { silent: true })
}

export function fetchVisit(id: number): Promise<VisitDetail> {
  return http.get<VisitDetail>(`/visits/${id}`)
}

export function completeVisit(id: number, input: VisitCompleteInput): Promise<VisitDetail> {
  return http.post<VisitDetail>(`/visits/${id}/complete`, input, { silent: true })
}

export function cancelVisit(id: number, reason: string): Promise<VisitDetail> {
  return http.post<VisitDetail>(`/visits/${id}/cancel`, { reason }, { silent: true })
}

export function listActionItems(query: Query): Promise<ListResult<ActionItem>> {
  return http.get<ListResult<ActionItem>>('/action-items', query)
}

export function createActionItem(input: { customer_id: number } & NewItemInput): Promise<{ id: number }> {
  return http.post<{ id: number }>('/action-items', input, { silent: true })
}

export function updateActionItem(id: number, input: { owner_id?: number; due_date?: string }): Promise<ActionItem> {
  return http.patch<ActionItem>(`/action-items/${id}`, input, { silent: true })
}

export function closeActionItem(id: number, note: string): Promise<ActionItem> {
  return http.post<ActionItem>(`/action-items/${id}/close`, { note }, { silent: true })
}

// ---- evidence ------------------------------------------------------------------------------------------
// The file is the raw body; the entity, its id and the file name go in the query.
export function uploadServiceAttachment(entity: AttachmentEntity, entityId: number, file: File): Promise<{ id: number }> {
  return request<{ id: number }>('POST', '/service-attachments', {
    query: { entity, entity_id: entityId, file_name: file.name },
    rawBody: file,
    rawContentType: file.type || 'application/octet-stream',
  })
}

export function downloadServiceAttachment(attachment: ServiceAttachment): Promise<void> {
  return download(`/service-attachments/${attachment.id}`, undefined, attachment.file_name)
}

// ---- emergency plans and drills ----------------------------------------------------------------------
export interface EmergencyPlan {
  id: number
  version: number
  status: 'current' | 'superseded'
  supply_sources: string
  emergency_power: string
  security_load_kw: number
  risk_points: string
  contacts: string
  switching_steps: string
  change_note: string | null
  created_by: string
  created_at: Instant | null
}

export interface OpenFinding {
  id: number
  title: string
  due_date: string
  owner_name: string | null
  drill_id: number | null
}

export interface EmergencyPlans {
  customer_id: number
  versions: EmergencyPlan[]
  open_findings: OpenFinding[]
  archive: { supply_sources: number; emergency_power: boolean; accounts: number }
}

export interface PlanInput {
  supply_sources: string
  emergency_power: string
  security_load_kw: number | null
  risk_points: string
  contacts: string
  switching_steps: string
  change_note?: string
  resolves: number[]
}

export interface DrillFinding {
  id: number
  title: string
  due_date: string
  status: 'open' | 'closed'
  overdue: boolean
  owner_name: string | null
  resolved_by_plan_id: number | null
  resolved_by_version: number | null
}

export interface Drill {
  id: number
  held_on: string
  scenario: string
  participants: string
  summary: string | null
  plan_version: number
  recorded_by: string
  findings: DrillFinding[]
}

export interface DrillInput {
  held_on: string | null
  scenario: string
  participants: string
  summary?: string
  findings: NewItemInput[]
}

export function fetchEmergencyPlans(customerId: number): Promise<EmergencyPlans> {
  return http.get<EmergencyPlans>(`/customers/${customerId}/emergency-plans`)
}

export function revisePlan(customerId: number, input: PlanInput): Promise<EmergencyPlans> {
  return http.post<EmergencyPlans>(`/customers/${customerId}/emergency-plans`, input, { silent: true })
}

export function fetchDrills(customerId: number): Promise<ItemsResult<Drill>> {
  return http.get<ItemsResult<Drill>>(`/customers/${customerId}/drills`)
}

export function recordDrill(customerId: number, input: DrillInput): Promise<ItemsResult<Drill>> {
  return http.post<ItemsResult<Drill>>(`/customers/${customerId}/drills`, input, { silent: true })
}

// ---- usage plans --------------------------------------------------------------------------------------
export interface Recommendation {
  text: string
  saving_kwh: number
  // fen (1/100 yuan)
  saving_fen: number
}

export interface UsagePlan {
  id: number
  title: string
  summary: string | null
  recommendations: Recommendation[] | null
  total_saving_fen: number
  status: 'draft' | 'delivered'
  author: string
  updated_at: Instant | null
}

export interface UsagePlanResult {
  customer_id: number
  year: number
  last_year?: { year: number; kwh: number; amount_fen: number }
  plan: UsagePlan | null
}

export interface UsagePlanInput {
  title: string
  summary?: string
  recommendations: Recommendation[]
  status: 'draft' | 'delivered'
}

export function fetchUsagePlan(customerId: number, year: number): Promise<UsagePlanResult> {
  return http.get<UsagePlanResult>(`/customers/${customerId}/usage-plans/${year}`)
}

export function saveUsagePlan(customerId: number, year: number, input: UsagePlanInput): Promise<UsagePlanResult> {
  return http.put<UsagePlanResult>(`/customers/${customerId}/usage-plans/${year}`, input, { silent: true })
}

// ---- equipment register -------------------------------------------------------------------------------
export interface EquipmentRecommendation {
  id: number
  action: RecommendationAction | null
  title: string
  owner: UserRef | null
  due_date: string
  status: 'open' | 'closed'
  overdue: boolean
  close_note: string | null
}

export interface Equipment {
  id: number
  account_id: number | null
  account_no: string | null
  kind: EquipmentKind
  name: string
  model: string | null
  rating: string | null
  commissioned_on: string | null
  last_test_on: string | null
  test_result: string | null
  health_grade: HealthGrade | null
  status: 'in_service' | 'retired'
  recommendations: EquipmentRecommendation[]
}

export interface EquipmentInput {
  kind?: string
  name?: string
  model?: string
  rating?: string
  commissioned_on?: string
  last_test_on?: string
  test_result?: string
  health_grade?: string
  status?: string
}

export function fetchEquipment(customerId: number): Promise<ItemsResult<Equipment>> {
  return http.get<ItemsResult<Equipment>>(`/customers/${customerId}/equipment`)
}

export function addEquipment(customerId: number, input: EquipmentInput): Promise<{ id: number }> {
  return http.post<{ id: number }>(`/customers/${customerId}/equipment`, input, { silent: true })
}

export function updateEquipment(id: number, input: EquipmentInput): Promise<Equipment> {
  return http.patch<Equipment>(`/equipment/${id}`, input, { silent: true })
}

export function recommend(
  equipmentId: number,
  input: { action: string; title: string; owner_id: number | null; due_date: string | null },
): Promise<{ id: number }> {
  return http.post<{ id: number }>(`/equipment/${equipmentId}/recommendations`, input, { silent: true })
}
