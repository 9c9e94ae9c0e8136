import { useI18n } from 'vue-i18n'
import type { PfStandard, TouBand, TouPeriod, TouSchedule } from '@/api/tariff'

// Colours of the time-of-use periods, everywhere they are drawn: 尖峰 red, 高峰 orange, 平段 blue-grey,
// 低谷 green, 深谷 dark green.
export const PERIOD_COLORS: Record<TouPeriod, string> = {
  sharp: '#d9363e',
  peak: '#f08c2e',
  flat: '#8fa3bf',
  valley: '#52b04c',
  deep: '#1f6b35',
}

// The i18n keys of the power-factor standards ("0.90" cannot be a message key: dots are paths).
const PF_KEYS: Record<PfStandard, string> = { '0.90': 'pf090', '0.85': 'pf085', '0.80': 'pf080', none: 'none' }

// Translates the codes of the tariff module (an unknown code from a newer server shows as itself).
export function useTariffLabels() {
  const { t, te, locale } = useI18n()

  function label(group: string, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const key = `tariff.${group}.${code}`
    return te(key) ? t(key) : code
  }

  const periodLabel = (code: string | null | undefined) => label('periods', code)
  const provinceLabel = (code: string | null | undefined) => label('provinces', code)
  const categoryLabel = (code: string | null | undefined) => label('categories', code)
  const basicModeLabel = (code: string | null | undefined) => label('basicModes', code)
  const flagLabel = (code: string | null | undefined) => label('flags', code)
  const pfLabel = (code: PfStandard | string | null | undefined) =>
    code ? label('pfStandards', PF_KEYS[code as PfStandard] ?? code) : ''

  // A bill line's label in the UI language (the server gives both).
  function lineLabel(line: { label_zh: string; label_en: string; code: string }): string {
    return (locale.value === 'en' ? line.label_en || line.label_zh : line.label_zh || line.label_en) || line.code
  }

  // "1–6、9–12月" / "Jan–Jun, Sep–Dec"
  function monthsText(months: number[]): string {
    const sorted = [...months].sort((a, b) => a - b)
    const ranges: string[] = []
    let start = sorted[0]
    let previous = sorted[0]
    const push = (from: number, to: number) => {
      if (locale.value === 'en') ranges.push(from === to ? MONTH_NAMES[from - 1]! : `${MONTH_NAMES[from - 1]}–${MONTH_NAMES[to - 1]}`)
      else ranges.push(from === to ? `${from}` : `${from}–${to}`)
    }
    for (const month of sorted.slice(1)) {
      if (month === (previous ?? 0) + 1) {
        previous = month
        continue
      }
      push(start!, previous!)
      start = month
      previous = month
    }
    if (start !== undefined && previous !== undefined) push(start, previous)
    return locale.value === 'en' ? ranges.join(', ') : `${ranges.join('、')}${t('tariff.tou.monthSuffix')}`
  }

  return { label, periodLabel, provinceLabel, categoryLabel, basicModeLabel, flagLabel, pfLabel, lineLabel, monthsText }
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}

// Slot 0–95 → "HH:MM" (its start); slot 96 → "24:00".
export function slotTime(slot: number): string {
  return `${pad(Math.floor(slot / 4))}:${pad((slot % 4) * 15)}`
}

export const SLOT_TIMES: string[] = Array.from({ length: 96 }, (_, slot) => slotTime(slot))

function minutesOf(text: string): number {
  const [hour, minute] = text.split(':').map((part) => Number(part))
  return (hour ?? 0) * 60 + (minute ?? 0)
}

// The period of each 15-minute slot of a month, as the server computes it (tariff/tou.cpp
// period_at): 尖峰 and 深谷 win over the band they lie in; otherwise the first band that covers the
// slot; 平段 where none does.
export function slotPeriods(bands: TouBand[], month: number): TouPeriod[] {
  const result: TouPeriod[] = []
  for (let slot = 0; slot < 96; slot++) {
    const minute = slot * 15
    let found: TouPeriod = 'flat'
    let matched = false
    for (const band of bands) {
      if (!band.months.includes(month)) continue
      if (minute < minutesOf(band.start) || minute >= minutesOf(band.end)) continue
      if (band.period === 'sharp' || band.period === 'deep') {
        found = band.period
        break
      }
      if (!matched) {
        found = band.period
        matched = true
      }
    }
    result.push(found)
  }
  return result
}

// The months of a schedule grouped by identical days: [{months, slots}] in month order.
export function monthGroups(schedule: Pick<TouSchedule, 'bands'>): { months: number[]; slots: TouPeriod[] }[] {
  const groups: { months: number[]; slots: TouPeriod[]; key: string }[] = []
  for (let month = 1; month <= 12; month++) {
    const slots = slotPeriods(schedule.bands, month)
    const key = slots.join(',')
    const group = groups.find((entry) => entry.key === key)
    if (group) group.months.push(month)
    else groups.push({ months: [month], slots, key })
  }
  return groups.map(({ months, slots }) => ({ months, slots }))
}

// The runs of equal periods of a day: [{period, from, to}] with slot indexes (to exclusive).
export function periodRuns(slots: TouPeriod[]): { period: TouPeriod; from: number; to: number }[] {
  const runs: { period: TouPeriod; from: number; to: number }[] = []
  slots.forEach((period, slot) => {
    const last = runs[runs.length - 1]
    if (last && last.period === period) last.to = slot + 1
    else runs.push({ period, from: slot, to: slot + 1 })
  })
  return runs
}

// Prices in 元 with six decimals (as published); '' when absent.
export function formatPrice(value: number | null | undefined, decimals = 6): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  return value.toFixed(decimals)
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
// 12345.678 → "12,345.68"
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  return digits === 2 ? numberFormat.format(value) : new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(value)
}

// 0.5234 → "52.3%"
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return ''
  return `${(ratio * 100).toFixed(digits)}%`
}

// Whether a table is in force on a date (YYYY-MM-DD), before it, or after it.
export type TableState = 'in_force' | 'upcoming' | 'expired'
export function tableState(table: { valid_from: string; valid_to: string | null }, today: string): TableState {
  if (table.valid_from > today) return 'upcoming'
  if (table.valid_to && table.valid_to < today) return 'expired'
  return 'in_force'
}
