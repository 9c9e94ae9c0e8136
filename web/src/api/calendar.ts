import { http } from './http'

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
