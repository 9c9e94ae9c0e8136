import { http, request, type ListResult } from './http'

export type DeadlineUnit = 'minutes' | 'hours' | 'working_days'

export interface DeadlineDay {
  date: string
  kind: 'working_day' | 'weekend' | 'off_day' | 'makeup_working_day'
  name?: string
}

export interface DeadlineAnswer {
  from: string
  amount: number
  unit: DeadlineUnit
  due: string | null
  due_local_date: string | null
  counted_days: DeadlineDay[]
  skipped_days: DeadlineDay[]
  calendar: { code: string; version: number; first_year: number; last_year: number }
}

export function computeDeadline(from: string, amount: number, unit: DeadlineUnit): Promise<DeadlineAnswer> {
  return http.get<DeadlineAnswer>('/calendar/deadline', { from, amount, unit }, { silent: true })
}

// ---- Calendars administration (src/calendar/api.cpp) ----

export interface CalendarInfo {
  id: number
  code: string
  name: string
  base_id: number | null
  org_unit_id: number | null
  version: number
  years: number[]
  recomputed?: number
}

export type DayAdjustment = 'off_day' | 'makeup_working_day'

export interface CalendarDay {
  date: string
  adjustment: DayAdjustment
  name: string
  own: boolean
}

export interface CalendarYear extends CalendarInfo {
  effective_years: number[]
  year: number
  covered: boolean
  days: CalendarDay[]
  sources: { year: number; source: string; imported_at: string }[]
}

export function listCalendars(): Promise<ListResult<CalendarInfo>> {
  return http.get<ListResult<CalendarInfo>>('/calendars')
}

export function fetchCalendarYear(id: number, year: number): Promise<CalendarYear> {
  return http.get<CalendarYear>(`/calendars/${id}`, { year })
}

export function createCalendarOverride(input: { org_unit_id: number; code: string; name: string }): Promise<CalendarInfo> {
  return http.post<CalendarInfo>('/calendars', input, { silent: true })
}

// The schedule file is the raw body (holiday-cn JSON or iCalendar).
export function importCalendarYear(id: number, file: File, format: 'json' | 'ical', year?: number): Promise<CalendarInfo> {
  return request<CalendarInfo>('POST', `/calendars/${id}/years`, {
    query: { format, year },
    rawBody: file,
    rawContentType: format === 'json' ? 'application/json' : 'text/calendar',
    silent: true,
  })
}

export function setCalendarDay(id: number, date: string, adjustment: DayAdjustment | null, name: string): Promise<CalendarInfo> {
  return http.put<CalendarInfo>(`/calendars/${id}/days/${date}`, { adjustment, name }, { silent: true })
}
