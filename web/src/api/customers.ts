import { download, http, type ListResult, type Query } from './http'
import type {
  AccountInput,
  Contact,
  ContactInput,
  Customer,
  Customer360,
  CustomerInput,
  ElectricityAccount,
  InteractionInput,
  LookupHit,
  SearchHit,
  TimelineEvent,
} from './types'
import type { ItemsResult } from './http'

export function listCustomers(query: Query): Promise<ListResult<Customer>> {
  return http.get<ListResult<Customer>>('/customers', query)
}

export function exportCustomers(query: Query): Promise<void> {
  return download('/customers/export', query, 'customers.xlsx')
}

export function createCustomer(input: CustomerInput): Promise<Customer> {
  return http.post<Customer>('/customers', input, { silent: true })
}

export function updateCustomer(id: number, input: CustomerInput): Promise<Customer> {
  return http.patch<Customer>(`/customers/${id}`, input, { silent: true })
}

export function deactivateCustomer(id: number, reason: string): Promise<Customer> {
  return http.post<Customer>(`/customers/${id}/deactivate`, { reason })
}

export function reactivateCustomer(id: number, reason: string): Promise<Customer> {
  return http.post<Customer>(`/customers/${id}/reactivate`, { reason })
}

export function mergeCustomer(id: number, duplicateId: number, reason: string): Promise<Customer> {
  return http.post<Customer>(`/customers/${id}/merge`, { duplicate_id: duplicateId, reason }, { silent: true })
}

// A merge the customer took part in, with what moved and until when it can be undone.
export interface CustomerMerge {
  id: number
  keep_id: number
  keep_name: string
  duplicate_id: number
  duplicate_name: string
  reason: string
  moved: Record<string, number>
  created_by: string
  created_at: string
  undo_until: string
  undone_at: string | null
  undone_by: string | null
  undo_reason: string | null
  can_undo: boolean
}

export function fetchMerges(id: number): Promise<{ items: CustomerMerge[]; undo_days: number }> {
  return http.get<{ items: CustomerMerge[]; undo_days: number }>(`/customers/${id}/merges`)
}

export function undoMerge(mergeId: number, reason: string): Promise<Customer360> {
  return http.post<Customer360>(`/customer-merges/${mergeId}/undo`, { reason }, { silent: true })
}

export function fetchCustomer360(id: number): Promise<Customer360> {
  return http.get<Customer360>(`/customers/${id}`)
}

export function fetchTimeline(id: number, query: Query): Promise<ListResult<TimelineEvent>> {
  return http.get<ListResult<TimelineEvent>>(`/customers/${id}/timeline`, query)
}

export function logInteraction(id: number, input: InteractionInput): Promise<TimelineEvent> {
  return http.post<TimelineEvent>(`/customers/${id}/interactions`, input, { silent: true })
}

export function closeFollowUp(eventId: number): Promise<TimelineEvent> {
  return http.post<TimelineEvent>(`/timeline/${eventId}/close-follow-up`)
}

export function createAccount(customerId: number, input: AccountInput): Promise<ElectricityAccount> {
  return http.post<ElectricityAccount>(`/customers/${customerId}/accounts`, input, { silent: true })
}

export function updateAccount(id: number, input: AccountInput): Promise<ElectricityAccount> {
  return http.patch<ElectricityAccount>(`/accounts/${id}`, input, { silent: true })
}

export function createContact(customerId: number, input: ContactInput): Promise<Contact> {
  return http.post<Contact>(`/customers/${customerId}/contacts`, input, { silent: true })
}

export function updateContact(id: number, input: ContactInput): Promise<Contact> {
  return http.patch<Contact>(`/contacts/${id}`, input, { silent: true })
}

export function deactivateContact(id: number): Promise<void> {
  return http.delete<void>(`/contacts/${id}`)
}

// index_pending: customers of a large import whose search documents are still being built.
export type SearchResult = ItemsResult<SearchHit> & { index_pending?: number }

export function searchCustomers(q: string, limit = 10): Promise<SearchResult> {
  return http.get<SearchResult>('/search', { q, limit }, { silent: true })
}

export function lookupByPhone(phone: string): Promise<ItemsResult<LookupHit>> {
  return http.get<ItemsResult<LookupHit>>('/lookup', { phone })
}
