import type { BasicMode, BillOptions, EvaluateResult, PfStandard, TouPeriod, Usage } from '@/api/tariff'

// The figures of a what-if without an account (电费测算 › 自由测算).
export interface FreeFigures {
  category: string
  voltage_level: string
  province: string
}

// The what-if form's state: the billing options and the month's usage, flat (one v-model).
export interface WhatIfState {
  time_of_use: boolean
  // null: a single-part rate (no basic charge)
  basic_mode: BasicMode | null
  capacity_kva: number
  motor_kva: number
  contract_demand_kw: number
  pf_standard: PfStandard
  days_used: number
  kwh_sharp: number
  kwh_peak: number
  kwh_flat: number
  kwh_valley: number
  kwh_deep: number
  kvarh: number
  max_demand_kw: number
}

export const OPTION_FIELDS = ['time_of_use', 'basic_mode', 'capacity_kva', 'motor_kva', 'contract_demand_kw', 'pf_standard', 'days_used'] as const
export const KWH_FIELDS = ['kwh_sharp', 'kwh_peak', 'kwh_flat', 'kwh_valley', 'kwh_deep'] as const
export const OTHER_USAGE_FIELDS = ['kvarh', 'max_demand_kw'] as const

export const KWH_FIELD_OF: Record<TouPeriod, (typeof KWH_FIELDS)[number]> = {
  sharp: 'kwh_sharp',
  peak: 'kwh_peak',
  flat: 'kwh_flat',
  valley: 'kwh_valley',
  deep: 'kwh_deep',
}

export function emptyWhatIf(): WhatIfState {
  return {
    time_of_use: true,
    basic_mode: 'capacity',
    capacity_kva: 0,
    motor_kva: 0,
    contract_demand_kw: 0,
    pf_standard: '0.90',
    days_used: 30,
    kwh_sharp: 0,
    kwh_peak: 0,
    kwh_flat: 0,
    kwh_valley: 0,
    kwh_deep: 0,
    kvarh: 0,
    max_demand_kw: 0,
  }
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

export function whatIfOf(result: Pick<EvaluateResult, 'options' | 'usage'>): WhatIfState {
  const { options, usage } = result
  return {
    time_of_use: options.time_of_use,
    basic_mode: options.basic_mode,
    capacity_kva: options.capacity_kva,
    motor_kva: options.motor_kva,
    contract_demand_kw: options.contract_demand_kw,
    pf_standard: options.pf_standard,
    days_used: options.days_used,
    kwh_sharp: round(usage.kwh_sharp),
    kwh_peak: round(usage.kwh_peak),
    kwh_flat: round(usage.kwh_flat),
    kwh_valley: round(usage.kwh_valley),
    kwh_deep: round(usage.kwh_deep),
    kvarh: round(usage.kvarh),
    max_demand_kw: round(usage.max_demand_kw, 3),
  }
}

export function optionsOf(state: WhatIfState): Partial<BillOptions> {
  const options: Partial<BillOptions> = {
    time_of_use: state.time_of_use,
    capacity_kva: state.capacity_kva,
    motor_kva: state.motor_kva,
    contract_demand_kw: state.contract_demand_kw,
    pf_standard: state.pf_standard,
    days_used: state.days_used,
  }
  if (state.basic_mode) options.basic_mode = state.basic_mode
  return options
}

export function usageOf(state: WhatIfState): Partial<Usage> {
  return {
    kwh_sharp: state.kwh_sharp,
    kwh_peak: state.kwh_peak,
    kwh_flat: state.kwh_flat,
    kwh_valley: state.kwh_valley,
    kwh_deep: state.kwh_deep,
    kvarh: state.kvarh,
    max_demand_kw: state.max_demand_kw,
  }
}

const same = (a: unknown, b: unknown) => a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9)

// What differs from the account as it is billed (`initial`): the options changed, and the usage —
// all five period figures together when any of them changed (the server takes them as a set).
// `alwaysUsage`: the usage is not the bill's (taken from the load curve) and is always sent.
export function overridesOf(
  state: WhatIfState,
  initial: WhatIfState,
  alwaysUsage: boolean,
): { options?: Partial<BillOptions>; usage?: Partial<Usage> } | null {
  const options: Record<string, unknown> = {}
  for (const field of OPTION_FIELDS) {
    if (field === 'basic_mode' && !state.basic_mode) continue
    if (!same(state[field], initial[field])) options[field] = state[field]
  }
  const usage: Record<string, number> = {}
  if (alwaysUsage || KWH_FIELDS.some((field) => !same(state[field], initial[field]))) {
    for (const field of KWH_FIELDS) usage[field] = state[field]
  }
  for (const field of OTHER_USAGE_FIELDS) {
    if (alwaysUsage || !same(state[field], initial[field])) usage[field] = state[field]
  }
  const result: { options?: Partial<BillOptions>; usage?: Partial<Usage> } = {}
  if (Object.keys(options).length > 0) result.options = options as Partial<BillOptions>
  if (Object.keys(usage).length > 0) result.usage = usage as Partial<Usage>
  return result.options || result.usage ? result : null
}
