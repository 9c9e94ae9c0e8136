// Tariffs (电价): the time-of-use schedules (分时时段) and tariff tables (电价表) by province and period
// of validity, the bill reconstruction with its what-if options (电费测算), and an account's energy
// profile (contract demand, high-voltage motors, power-factor standard). Shapes follow
// src/tariff/api.cpp. Energy prices are in 元/kWh (six decimals), demand and capacity prices in
// 元/kW·月 and 元/kVA·月; amounts of a bill in fen. Commands are `silent`: the pages show their errors
// themselves (beside the field or row the server names).
import { http, type ListResult } from './http'

export type Verification = 'V' | 'S' | 'U' | 'P'
export type TouPeriod = 'sharp' | 'peak' | 'flat' | 'valley' | 'deep'
export const TOU_PERIODS: TouPeriod[] = ['sharp', 'peak', 'flat', 'valley', 'deep']

export type TariffCategory = 'ci_single' | 'ci_two_part' | 'residential' | 'agricultural'
export const TARIFF_CATEGORIES: TariffCategory[] = ['ci_single', 'ci_two_part', 'residential', 'agricultural']

export type BasicMode = 'capacity' | 'contract_demand' | 'actual_demand'
export const BASIC_MODES: BasicMode[] = ['capacity', 'contract_demand', 'actual_demand']

export type PfStandard = '0.90' | '0.85' | '0.80' | 'none'
export const PF_STANDARDS: PfStandard[] = ['0.90', '0.85', '0.80', 'none']

// ---- time-of-use schedules ---------------------------------------------------------------------

export interface TouBand {
  months: number[]
  // "HH:MM"; the end may be "24:00"
  start: string
  end: string
  period: TouPeriod
}

export interface TouSchedule {
  id: number
  code: string
  name: string
  province: string
  source: string
  verification: Verification
  notes: string | null
  bands: TouBand[]
  // price ratios to the flat price (0 = no such period)
  ratios: Record<TouPeriod, number>
}

export function listTouSchedules(): Promise<ListResult<TouSchedule>> {
  return http.get<ListResult<TouSchedule>>('/tariff/schedules')
}

// ---- tariff tables -----------------------------------------------------------------------------

export interface TariffTable {
  id: number
  province: string
  name: string
  // YYYY-MM-DD; valid_to inclusive, null = until replaced
  valid_from: string
  valid_to: string | null
  tou_schedule_id: number | null
  tou_schedule_code: string | null
  source: string
  verification: Verification
  notes: string | null
  rate_count: number
}

export interface TariffRate {
  category: TariffCategory | string
  voltage_levels: string[]
  // 元/kWh; null when the table has no such price
  energy_price: number
  sharp_price: number | null
  peak_price: number | null
  flat_price: number | null
  valley_price: number | null
  deep_price: number | null
  floating_price: number | null
  td_price: number | null
  funds_price: number | null
  // 元/kW·月, 元/kVA·月 (two-part rates)
  demand_price: number | null
  capacity_price: number | null
}

// The price fields of a rate, in the order the tables show them.
export type RatePriceField = Exclude<keyof TariffRate, 'category' | 'voltage_levels'>
export const RATE_PRICE_FIELDS: RatePriceField[] = [
  'energy_price',
  'sharp_price',
  'peak_price',
  'flat_price',
  'valley_price',
  'deep_price',
  'floating_price',
  'td_price',
  'funds_price',
  'demand_price',
  'capacity_price',
]

export interface TariffTableDetail extends TariffTable {
  rates: TariffRate[]
  tou_schedule?: TouSchedule
}

export interface TariffTableInput {
  province: string
  name: string
  valid_from: string
  valid_to: string | null
  tou_schedule_id: number | null
  source: string
  verification: Verification
  notes: string
  // a price the user typed that is not a number is sent as typed, for the server to name it
  rates: Array<{ category: string; voltage_levels: string[] } & Record<RatePriceField, number | string | null>>
}

export function listTariffTables(province?: string): Promise<ListResult<TariffTable>> {
  return http.get<ListResult<TariffTable>>('/tariff/tables', { province })
}

export function fetchTariffTable(id: number): Promise<TariffTableDetail> {
  return http.get<TariffTableDetail>(`/tariff/tables/${id}`, undefined, { silent: true })
}

export function createTariffTable(input: TariffTableInput): Promise<TariffTableDetail> {
  return http.post<TariffTableDetail>('/tariff/tables', input, { silent: true })
}

export function updateTariffTable(id: number, input: TariffTableInput): Promise<TariffTableDetail> {
  return http.put<TariffTableDetail>(`/tariff/tables/${id}`, input, { silent: true })
}

export function deleteTariffTable(id: number): Promise<{ deleted: number }> {
  return http.delete<{ deleted: number }>(`/tariff/tables/${id}`, { silent: true })
}

// ---- bill reconstruction and what-if -----------------------------------------------------------

export interface Usage {
  kwh_sharp: number
  kwh_peak: number
  kwh_flat: number
  kwh_valley: number
  kwh_deep: number
  kwh_total: number
  kvarh: number
  kvarh_exported: number
  max_demand_kw: number
}

export interface BillOptions {
  time_of_use: boolean
  // null for single-part rates (no basic charge)
  basic_mode: BasicMode | null
  capacity_kva: number
  motor_kva: number
  contract_demand_kw: number
  pf_standard: PfStandard
  days_used: number
}

export interface EvaluateRequest {
  account_id?: number
  period?: string
  province?: string
  table_id?: number
  category?: string
  voltage_level?: string
  usage?: Partial<Usage>
  options?: Partial<BillOptions>
}

export interface BillLine {
  // energy_sharp … energy_deep, energy, basic_capacity, basic_demand, basic_excess, pf_adjustment
  code: string
  label_zh: string
  label_en: string
  // kWh, kW or kVA; for pf_adjustment the base amount in fen
  quantity: number
  unit: string
  // 元 per unit; for pf_adjustment the adjustment in percent
  unit_price: number
  fen: number
}

export interface ReconstructedBill {
  lines: BillLine[]
  energy_fen: number
  basic_fen: number
  pf_fen: number
  funds_fen: number
  total_fen: number
  power_factor: number | null
  pf_adjustment_pct: number
  billed_demand_kw: number
  excess_demand_kw: number
  floor_applied: boolean
  discount_applied: boolean
  // in Chinese
  notes: string[]
}

export interface EvaluateResult {
  period: string
  account: { id: number; account_no: string; customer_id: number; customer_name: string } | null
  table: TariffTable
  rate: TariffRate
  usage: Usage
  options: BillOptions
  bill: ReconstructedBill
  // the imported bill's amount
  billed_fen: number | null
  // the account as it is billed today (with account_id)
  baseline?: { options: BillOptions; bill: ReconstructedBill }
  // bill.total − baseline.total
  difference_fen?: number
}

export function evaluateBill(request: EvaluateRequest): Promise<EvaluateResult> {
  return http.post<EvaluateResult>('/tariff/evaluate', request, { silent: true })
}

// ---- energy profile ----------------------------------------------------------------------------

export interface EnergyProfile {
  account_id: number
  contract_demand_kw: number | null
  motor_kva: number
  pf_standard: PfStandard | null
  pf_standard_effective: PfStandard
  capacity_kva: number
  basic_charge_mode: string
  tariff_category: string
  voltage_level: string
}

export interface EnergyProfileInput {
  contract_demand_kw?: number | null
  motor_kva?: number
  pf_standard?: PfStandard | null
}

export function fetchEnergyProfile(accountId: number): Promise<EnergyProfile> {
  return http.get<EnergyProfile>(`/accounts/${accountId}/energy-profile`, undefined, { silent: true })
}

export function updateEnergyProfile(accountId: number, input: EnergyProfileInput): Promise<EnergyProfile> {
  return http.put<EnergyProfile>(`/accounts/${accountId}/energy-profile`, input, { silent: true })
}
