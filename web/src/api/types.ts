// Shapes of the Lianxin REST API (see docs/ API spec). Instants arrive as
// ISO-8601 strings; epoch milliseconds are tolerated by the formatters.

export type Instant = string | number

export type RoleCode =
  | 'administrator'
  | 'leader'
  | 'marketing_manager'
  | 'account_manager'
  | 'service_dispatcher'
  | 'department_handler'
  | 'outage_planner'
  | 'auditor'

export type Permission =
  | 'customer.read'
  | 'customer.write'
  | 'customer.import'
  | 'customer.export'
  | 'customer.merge'
  | 'interaction.write'
  | 'user.admin'
  | 'org.admin'
  | 'apikey.admin'
  | 'audit.read'
  | 'reference.read'
  | 'claim.read'
  | 'claim.intake'
  | 'claim.dispatch'
  | 'claim.handle'
  | 'claim.callback'
  | 'claim.admin'
  | 'keyaccount.review'
  | 'keyaccount.approve'
  | 'keyaccount.manage'
  | 'keyaccount.service'
  | 'programme.signoff'
  | 'bill.import'
  | 'expansion.work'
  | 'outage.plan'
  | 'outage.approve'
  | 'quality.approve'
  | 'quality.admin'
  | 'tariff.admin'
  | 'curve.import'
  | 'analysis.review'
  | 'analysis.confirm'

export interface SessionUser {
  id: number
  username: string
  display_name: string
  role: RoleCode
  org_unit_id: number
  org_unit_name: string
  permissions: string[]
}

export interface SessionInfo {
  user: SessionUser
  csrf_token: string
}

export interface Health {
  status: string
  database: string
  schema_version: number
  version: string
}

export interface EnumItem {
  code: string
  zh: string
  en: string
}

export interface Enums {
  importance_classes: EnumItem[]
  outage_sensitivities: EnumItem[]
  credit_grades: EnumItem[]
  voltage_levels: EnumItem[]
  tariff_categories: EnumItem[]
  basic_charge_modes: EnumItem[]
  contact_roles: EnumItem[]
  notice_types: EnumItem[]
  customer_statuses: EnumItem[]
}
export type EnumKind = keyof Enums

export interface Industry {
  code: string
  name: string
  section: string
}

export interface Line {
  id: number
  code: string
  name: string
  substation_name: string
}

export interface TransformerArea {
  id: number
  code: string
  name: string
  line_id: number
}

export type OrgKind = 'company' | 'city' | 'county' | 'station' | 'department'

export interface OrgUnit {
  id: number
  parent_id: number | null
  kind: OrgKind
  code: string
  name: string
  path: string
}

export interface OrgTreeNode extends OrgUnit {
  children: OrgTreeNode[]
}

export interface User {
  id: number
  username: string
  display_name: string
  role: RoleCode
  org_unit_id: number
  org_unit_name: string
  mobile: string | null
  active: boolean
  locked: boolean
  all_customers_in_scope: boolean
}

export interface UserInput {
  username?: string
  display_name?: string
  password?: string
  role?: RoleCode
  org_unit_id?: number
  mobile?: string
  all_customers_in_scope?: boolean
  active?: boolean
}

export interface Role {
  code: RoleCode
  permissions: string[]
}

export interface ApiKey {
  id: number
  name: string
  prefix: string
  user_id: number
  username: string
  created_at: Instant
  last_used_at: Instant | null
  revoked_at: Instant | null
}

export interface CreatedApiKey {
  id: number
  prefix: string
  key: string
}

export interface AuditEntry {
  id: number
  at: Instant
  username: string
  ip: string
  request_id: string
  action: string
  entity: string
  entity_id: string | number | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}

export interface Customer {
  id: number
  name: string
  credit_code: string | null
  industry_code: string | null
  industry_name: string | null
  org_unit_id: number
  org_unit_name: string
  address: string | null
  importance_class: string | null
  outage_sensitivity: string | null
  credit_grade: string | null
  tags: string[]
  is_key_account: boolean
  is_group: boolean
  group_id: number | null
  group_name: string | null
  manager_id: number | null
  manager_name: string | null
  backup_manager_id: number | null
  backup_manager_name: string | null
  status: string
  account_count: number
  version: number
  updated_at: Instant
}

export interface CustomerInput {
  name?: string
  credit_code?: string | null
  industry_code?: string | null
  org_unit_id?: number
  address?: string | null
  importance_class?: string | null
  outage_sensitivity?: string | null
  credit_grade?: string | null
  tags?: string[]
  group_id?: number | null
  is_group?: boolean
  is_key_account?: boolean
  manager_id?: number | null
  backup_manager_id?: number | null
  version?: number
}

export interface ElectricityAccount {
  id: number
  account_no: string
  name: string
  voltage_level: string | null
  contract_capacity_kva: number | null
  tariff_category: string | null
  basic_charge_mode: string | null
  supply_sources: number | null
  emergency_power: boolean
  line_id: number | null
  line_name: string | null
  transformer_area_id: number | null
  transformer_area_name: string | null
  address: string | null
  status: string
}

export interface AccountInput {
  account_no?: string
  name?: string
  voltage_level?: string | null
  contract_capacity_kva?: number | null
  tariff_category?: string | null
  basic_charge_mode?: string | null
  supply_sources?: number | null
  emergency_power?: boolean
  line_id?: number | null
  transformer_area_id?: number | null
  address?: string | null
}

export interface Contact {
  id: number
  name: string
  role: string | null
  mobile: string | null
  email: string | null
  notice_types: string[]
  active: boolean
  confirmed_at: Instant | null
}

export interface ContactInput {
  name?: string
  role?: string | null
  mobile?: string | null
  email?: string | null
  notice_types?: string[]
}

export interface GroupMember {
  id: number
  name: string
  org_unit_name: string
  is_key_account: boolean
}

export interface Customer360 {
  customer: Customer
  accounts: ElectricityAccount[]
  contacts: Contact[]
  group: { id: number; name: string } | null
  group_members: GroupMember[]
  open_items: number
}

export interface TimelineEvent {
  id: number
  at: Instant
  kind: string
  source: string | null
  actor_name: string | null
  title: string
  body: string | null
  ref_entity: string | null
  ref_id: string | number | null
  follow_up_due: string | null
  follow_up_closed_at: Instant | null
}

export type InteractionKind = 'call' | 'visit' | 'message'

export interface InteractionInput {
  kind: InteractionKind
  title: string
  body: string
  at?: string
  follow_up_due?: string
}

export interface SearchHit {
  id: number
  name: string
  credit_code: string | null
  is_key_account: boolean
  importance_class: string | null
  org_unit_name: string
  manager_name: string | null
  status: string
}

export interface LookupHit {
  id: number
  name: string
  is_key_account: boolean
  importance_class: string | null
  org_unit_name: string
  contact_name: string | null
  manager: { id: number; name: string; mobile: string | null } | null
  open_items: number
}

export type ImportKind = 'customers' | 'accounts' | 'contacts'
export type ImportMode = 'all_or_nothing' | 'valid_rows'
export type ImportStatus = 'queued' | 'validating' | 'importing' | 'succeeded' | 'failed' | 'cancelled'

export interface ImportRowError {
  row: number
  field: string
  field_label?: string
  message: string
}

export interface ImportJob {
  id: number
  kind: ImportKind
  file_name: string
  mode: ImportMode
  status: ImportStatus
  total_rows: number
  processed_rows: number
  inserted: number
  updated: number
  error_count: number
  errors?: ImportRowError[]
  message: string | null
  created_at: Instant
  finished_at: Instant | null
  // GET /imports/{id} only: customers of large imports whose search documents are still being built
  search_index_pending?: number
}
