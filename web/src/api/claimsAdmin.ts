// Administration of the claims module: SLA policies, routing rules and claim settings
// (src/claims/admin_api.cpp).
import { http, type ListResult } from './http'
import type { Instant } from './types'
import type { Verification } from './claims'

export interface PolicyClock {
  clock: string
  amount: number
  unit: string
  pause_on: string[]
  reminder_permille: string
  escalate_on_breach: boolean
  source: string
  verification: Verification
}

export interface SlaPolicy {
  id: number
  code: string
  name: string
  rule_set: string
  claim_type: string | null
  sub_type: string | null
  channel: string | null
  key_account: boolean | null
  importance_class: string | null
  area_type: string | null
  org_unit_id: number | null
  priority: number
  valid_from: string | null
  valid_to: string | null
  enabled: boolean
  source: string
  verification: Verification
  version: number
  clocks: PolicyClock[]
}

export type SlaPolicyInput = Omit<SlaPolicy, 'id' | 'version'> & { version?: number }

export interface PolicyList extends ListResult<SlaPolicy> {
  active_rule_set: string
}

export interface RoutingRule {
  id: number
  claim_type: string | null
  sub_type: string | null
  complaint_class: string | null
  org_unit_id: number | null
  org_unit_name: string | null
  key_account: boolean | null
  department_id: number
  department_name: string
  priority: number
  enabled: boolean
}

export type RoutingRuleInput = Omit<RoutingRule, 'id' | 'org_unit_name' | 'department_name'>

export interface Setting {
  key: string
  value: string
  value_type: 'int' | 'text' | 'bool' | 'list'
  module: string
  source: string
  verification: Verification
  updated_at: Instant | null
}

export function listPolicies(): Promise<PolicyList> {
  return http.get<PolicyList>('/sla-policies')
}

export function createPolicy(input: SlaPolicyInput): Promise<SlaPolicy> {
  return http.post<SlaPolicy>('/sla-policies', input, { silent: true })
}

export function updatePolicy(id: number, input: SlaPolicyInput): Promise<SlaPolicy> {
  return http.put<SlaPolicy>(`/sla-policies/${id}`, input, { silent: true })
}

export function listRoutingRules(): Promise<ListResult<RoutingRule>> {
  return http.get<ListResult<RoutingRule>>('/routing-rules')
}

export function createRoutingRule(input: RoutingRuleInput): Promise<RoutingRule> {
  return http.post<RoutingRule>('/routing-rules', input, { silent: true })
}

export function updateRoutingRule(id: number, input: RoutingRuleInput): Promise<RoutingRule> {
  return http.put<RoutingRule>(`/routing-rules/${id}`, input, { silent: true })
}

export function deleteRoutingRule(id: number): Promise<void> {
  return http.delete<void>(`/routing-rules/${id}`)
}

export function listSettings(module: string): Promise<ListResult<Setting>> {
  return http.get<ListResult<Setting>>('/settings', { module })
}

export function updateSetting(key: string, value: string): Promise<Setting> {
  return http.put<Setting>(`/settings/${encodeURIComponent(key)}`, { value }, { silent: true })
}
