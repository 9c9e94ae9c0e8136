// Billing (电费账单) and group settlement (集团统一结算): the bill import from the billing system,
// a customer's bills, groups with their 360 view, the unified statement and its reconciliation.
import { download, http, type ListResult, type Query } from './http'
import { contentTypeFor, type TemplateFormat } from './imports'
import type { Instant } from './types'

// ---- bill import ------------------------------------------------------------------------------

export type BillSource = 'csv' | 'xlsx' | 'api'

export interface BillImportResult {
  batch_id: number
  source: BillSource
  file_name: string | null
  sha256: string
  rows: number
  inserted: number
  updated: number
  unchanged: number
  customers: number
  annual_kwh_updated: number
}

export interface BillBatch {
  id: number
  source: BillSource
  file_name: string | null
  sha256: string
  rows: number
  inserted: number
  updated: number
  unchanged: number
  created_by: string
  created_at: Instant
}

// The column codes of the import (error details name them in `field`).
export const BILL_COLUMNS = [
  'account_no',
  'period',
  'kwh_sharp',
  'kwh_peak',
  'kwh_flat',
  'kwh_valley',
  'kwh_total',
  'kvarh',
  'max_demand_kw',
  'amount_fen',
  'paid_fen',
  'arrears_fen',
] as const

export function downloadBillTemplate(format: TemplateFormat): Promise<void> {
  return download('/bill-imports/template', { format }, `lianxin-bills-template.${format}`)
}

// All or nothing: a 422 carries the row-level problems in error.details (the caller shows them).
export function importBills(file: File): Promise<BillImportResult> {
  return http.post<BillImportResult>('/bill-imports', undefined, {
    query: { file_name: file.name },
    rawBody: file,
    rawContentType: contentTypeFor(file.name),
    silent: true,
  })
}

export function listBillBatches(query: Query): Promise<ListResult<BillBatch>> {
  return http.get<ListResult<BillBatch>>('/bill-imports', query)
}

// ---- a customer's bills -----------------------------------------------------------------------

export interface KwhFigures {
  kwh_sharp: number
  kwh_peak: number
  kwh_flat: number
  kwh_valley: number
  kwh_total: number
}

export interface MoneyFigures {
  amount_fen: number
  paid_fen: number
  arrears_fen: number
}

export interface Bill extends KwhFigures, MoneyFigures {
  account_id: number
  account_no: string
  account_name: string | null
  period: string
  customer_id: number
  batch_id: number
  updated_at: Instant
  kvarh: number | null
  max_demand_kw: number | null
}

export interface BillMonth extends KwhFigures, MoneyFigures {
  period: string
  bills: number
}

export interface BillYear extends MoneyFigures {
  year: number
  kwh: number
  months: number
}

export interface BillSummary {
  customer_id: number
  months: BillMonth[]
  years: BillYear[]
}

export interface BillFilter {
  account_id?: number | null
  from?: string
  to?: string
}

export function listBills(customerId: number, filter: BillFilter, page: number, pageSize: number): Promise<ListResult<Bill>> {
  return http.get<ListResult<Bill>>(`/customers/${customerId}/bills`, { ...filter, page, page_size: pageSize })
}

export function fetchBillSummary(customerId: number, filter: BillFilter): Promise<BillSummary> {
  return http.get<BillSummary>(`/customers/${customerId}/bill-summary`, { ...filter })
}

// ---- groups -----------------------------------------------------------------------------------

export interface GroupRow {
  id: number
  name: string
  credit_code: string | null
  org_unit_id: number
  org_unit_name: string
  bureau_name: string
  is_key_account: boolean
  parent_group_id: number | null
  parent_group_name: string | null
  direct_members: number
  sub_groups: number
  manager_name: string | null
}

export function listGroups(query: Query): Promise<ListResult<GroupRow>> {
  return http.get<ListResult<GroupRow>>('/groups', query)
}

export interface ProgrammeProgress {
  year: number
  status: 'open' | 'signed_off'
  items_done: number
  items_total: number
  signed_off: boolean
}

export interface GroupTreeNode {
  id: number
  name: string
  members: number
  children: GroupTreeNode[]
}

export interface GroupMember {
  id: number
  name: string
  credit_code: string | null
  is_group: boolean
  is_key_account: boolean
  status: string
  parent_group_id: number
  parent_group_name: string
  depth: number
  org_unit_id: number
  org_unit_name: string
  bureau_id: number
  bureau_name: string
  account_count: number
  open_claims: number
  programme: ProgrammeProgress | null
}

export interface Group360 {
  group: {
    id: number
    name: string
    credit_code: string | null
    is_key_account: boolean
    org_unit_id: number
    org_unit_name: string
    bureau_name: string
    manager_name: string | null
    account_count: number
    open_claims: number
    programme: ProgrammeProgress | null
  }
  year: number
  tree: GroupTreeNode
  members: GroupMember[]
  totals: {
    members: number
    regions: number
    accounts: number
    key_accounts: number
    open_claims: number
    programmes_signed_off: number
  }
  partial: boolean
  omitted_members: number
}

export function fetchGroup(id: number, year?: number): Promise<Group360> {
  return http.get<Group360>(`/groups/${id}`, { year })
}

// ---- statement --------------------------------------------------------------------------------

export interface Totals extends KwhFigures, MoneyFigures {
  accounts: number
  billed: number
}

// A line without a bill for the month (billed: false) has null figures.
export interface StatementLine {
  customer_id: number
  customer_name: string
  account_id: number
  account_no: string
  account_name: string | null
  billed: boolean
  kwh_sharp: number | null
  kwh_peak: number | null
  kwh_flat: number | null
  kwh_valley: number | null
  kwh_total: number | null
  amount_fen: number | null
  paid_fen: number | null
  arrears_fen: number | null
}

export interface StatementRegion {
  bureau_id: number
  bureau_name: string
  lines: StatementLine[]
  subtotal: Totals
}

export interface GroupStatement {
  group: { id: number; name: string; credit_code: string | null; org_unit_name: string }
  period: string
  generated_at: Instant
  members: number
  partial: boolean
  omitted_members: number
  regions: StatementRegion[]
  total: Totals
}

export type StatementFormat = 'xlsx' | 'pdf'

export function fetchStatement(id: number, period: string): Promise<GroupStatement> {
  return http.get<GroupStatement>(`/groups/${id}/statement`, { period, format: 'json' })
}

// XLSX / PDF (needs customer.export); the browser saves statement-<id>-<period>.<format>.
export function downloadStatement(id: number, period: string, format: StatementFormat, lang: 'zh' | 'en'): Promise<void> {
  return download(`/groups/${id}/statement`, { period, format, lang }, `statement-${id}-${period}.${format}`)
}

// ---- reconciliation ---------------------------------------------------------------------------

export type CheckCode = 'totals_match' | 'missing_bills' | 'moved_accounts' | 'former_members' | 'bill_arithmetic'

export interface ReconciliationCheck {
  code: CheckCode | string
  ok: boolean
  count: number
  description: string
}

export interface ReconciliationSums {
  bills: number
  kwh_total: number
  amount_fen: number
  paid_fen: number
  arrears_fen: number
}

export interface Difference {
  field: string
  statement: number
  imported: number
  difference: number
}

export interface ReconciliationRegion {
  bureau_id: number
  bureau_name: string
  statement: ReconciliationSums
  imported: ReconciliationSums
  differences: Difference[]
}

export interface AccountRef {
  customer_id: number
  customer_name: string
  account_id: number
  account_no: string
  bureau_name: string
}

export interface MovedAccount {
  account_id: number
  account_no: string
  billed_customer_id: number
  billed_customer_name: string
  current_customer_id: number
  current_customer_name: string
  amount_fen: number
}

export interface FormerMemberBill {
  account_id: number
  account_no: string
  customer_id: number
  customer_name: string
  current_group_id: number | null
  current_group_name: string | null
  batch_id: number
  amount_fen: number
}

export interface Reconciliation {
  group: { id: number; name: string }
  period: string
  generated_at: Instant
  ok: boolean
  checks: ReconciliationCheck[]
  regions: ReconciliationRegion[]
  total: { statement: ReconciliationSums; imported: ReconciliationSums; differences: Difference[] }
  missing_bills: AccountRef[]
  moved_accounts: MovedAccount[]
  former_members: FormerMemberBill[]
  former_members_outside_scope: number
  bills_not_adding_up: AccountRef[]
  partial: boolean
  omitted_members: number
}

export function fetchReconciliation(id: number, period: string): Promise<Reconciliation> {
  return http.get<Reconciliation>(`/groups/${id}/reconciliation`, { period })
}
