// Number formats of the billing pages: amounts arrive in fen (integers) and are shown in yuan with
// two decimals and thousands separators; kWh with thousands separators and at most two decimals.

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

// 123456789 -> "1,234,567.89" (exact for any safe integer; no floating-point rounding).
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return ''
  const whole = Math.round(fen)
  const negative = whole < 0
  const abs = Math.abs(whole)
  const cents = abs % 100
  const yuan = (abs - cents) / 100
  return `${negative ? '-' : ''}${groupThousands(String(yuan))}.${cents < 10 ? '0' : ''}${cents}`
}

const kwhFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

// 40686000.71 -> "40,686,000.71"
export function formatKwh(kwh: number | null | undefined): string {
  if (kwh === null || kwh === undefined || !Number.isFinite(kwh)) return ''
  return kwhFormat.format(kwh)
}

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  return countFormat.format(value)
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}

// The month before the current one as YYYY-MM (the statement's default: last month's bills are the
// newest complete ones). Local time; users are in Asia/Shanghai.
export function lastMonth(now: Date = new Date()): string {
  const date = new Date(now.getFullYear(), now.getMonth() - 1, 1)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}`
}

export function currentMonth(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}`
}

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value)
}
