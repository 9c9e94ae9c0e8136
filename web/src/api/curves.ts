// 15-minute load curves (负荷曲线) from the metering system (用电信息采集): the import of CSV files
// (one file per request, all or nothing), the import batches, an account's months with their quality
// flags and one month in full (96 points a day, statistics, typical day, energy by time-of-use
// period). Shapes follow src/curves/api.cpp.
import { http, type ListResult, type Query } from './http'
import type { Instant } from './types'
import type { TouPeriod } from './tariff'

export type CurveFlag = 'gaps' | 'negative' | 'spike' | 'flat' | 'duplicate_day'
export const CURVE_FLAGS: CurveFlag[] = ['gaps', 'negative', 'spike', 'flat', 'duplicate_day']

export interface FlaggedMonth {
  account_no: string
  period: string
  flags: CurveFlag[]
  missing: number
  negatives: number
  spikes: number
  flat_points: number
  duplicate_days: number
}

export interface CurveImportResult {
  batch_id: number
  file_name: string
  // wide: YMD,T0000…T2345 a day a row; long: 户号,时间,负荷 a reading a row
  layout: 'wide' | 'long'
  rows: number
  readings: number
  accounts: number
  months: number
  inserted: number
  merged: number
  flagged_months: number
  flagged: FlaggedMonth[]
}

// accountNo: the 户号 of a file without an account column.
export function importCurveFile(file: File, accountNo?: string): Promise<CurveImportResult> {
  return http.post<CurveImportResult>('/curves/import', undefined, {
    query: { file_name: file.name, account_no: accountNo?.trim() || undefined },
    rawBody: file,
    rawContentType: 'text/csv',
    silent: true,
  })
}

export interface CurveBatch {
  id: number
  file_name: string
  layout: 'wide' | 'long'
  accounts: number
  months: number
  readings: number
  flagged_months: number
  created_at: Instant
  created_by: string
}

export function listCurveBatches(query: Query): Promise<ListResult<CurveBatch>> {
  return http.get<ListResult<CurveBatch>>('/curves/batches', query)
}

export interface QualityCounts {
  points: number
  missing: number
  negatives: number
  zeros: number
  spikes: number
  flat_points: number
  duplicate_days: number
}

export interface CurveMonth extends QualityCounts {
  period: string
  flags: CurveFlag[]
  kwh: number
  max_kw: number
  updated_at: Instant
}

// Oldest first.
export function listAccountCurves(accountId: number, from?: string, to?: string): Promise<ListResult<CurveMonth>> {
  return http.get<ListResult<CurveMonth>>(`/accounts/${accountId}/curves`, { from, to }, { silent: true })
}

export interface QualityMark {
  code: CurveFlag
  // 1-based day of the month, slot 0–95 (minutes slot*15 … slot*15+15)
  day: number
  slot: number
  points: number
  // duplicate_day: the day it repeats
  other_day: number
}

export interface CurveStats {
  kwh: number
  max_kw: number
  max_day: number
  max_slot: number
  min_kw: number
  avg_kw: number
  load_factor: number
  peak_valley_rate: number
  avg_daily_peak_valley_rate: number
  complete_days: number
}

export interface CurveMonthDetail {
  account_id: number
  period: string
  days: number
  // days × 96 kW readings, null where missing
  kw: Array<Array<number | null>>
  quality: QualityCounts & { flags: CurveFlag[]; marks: QualityMark[] }
  stats: CurveStats
  typical_day: Array<number | null>
  kwh_by_period?: Record<TouPeriod, number>
  slot_periods?: TouPeriod[]
  tou_schedule?: string
}

export function fetchCurveMonth(accountId: number, period: string): Promise<CurveMonthDetail> {
  return http.get<CurveMonthDetail>(`/accounts/${accountId}/curves/${period}`, undefined, { silent: true })
}
