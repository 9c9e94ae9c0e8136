import { useI18n } from 'vue-i18n'
import type { Advice, AdviceStatus, AnomalyStatus, BatchStatus } from '@/api/analysis'

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

// Tag colours of the statuses of the electricity-use analysis.
export const ADVICE_STATUS_TAGS: Record<AdviceStatus, TagType> = { proposed: 'warning', accepted: 'success', rejected: 'info' }
export const ANOMALY_STATUS_TAGS: Record<AnomalyStatus, TagType> = {
  open: 'warning',
  normal: 'success',
  theft_suspected: 'danger',
  theft_confirmed: 'danger',
  theft_rejected: 'info',
}
export const BATCH_STATUS_TAGS: Record<BatchStatus, TagType> = { queued: 'info', running: 'primary', done: 'success', failed: 'danger' }

// The month after the current one, YYYY-MM (local time; users are in Asia/Shanghai).
export function nextMonth(now: Date = new Date()): string {
  const date = new Date(now.getFullYear(), now.getMonth() + 1, 1)
  const month = date.getMonth() + 1
  return `${date.getFullYear()}-${month < 10 ? '0' : ''}${month}`
}

// Yuan (元, a decimal number typed by the user) → fen, exactly to the cent.
export function yuanToFen(yuan: number | null | undefined): number {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return 0
  return Math.round(yuan * 100)
}

// Translates the codes of the analysis (an unknown code from a newer server shows as itself).
export function useAnalysisLabels() {
  const { t, te, locale } = useI18n()

  function label(group: string, code: string | number | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const key = `analysis.${group}.${code}`
    return te(key) ? t(key) : String(code)
  }

  const adviceKindLabel = (code: string) => label('advice.kinds', code)
  const adviceStatusLabel = (code: string) => label('advice.statuses', code)
  const anomalyKindLabel = (code: string) => label('anomaly.kinds', code)
  const anomalyStatusLabel = (code: string) => label('anomaly.statuses', code)
  const severityLabel = (severity: number) => label('anomaly.severities', severity)
  const batchStatusLabel = (code: string) => label('batches.statuses', code)

  // The advice's title in the UI language (the server words it in Chinese, data.title_en in English).
  function adviceTitle(advice: Advice): string {
    if (locale.value === 'en' && typeof advice.data?.title_en === 'string' && advice.data.title_en) return advice.data.title_en
    return advice.title
  }

  return { label, adviceKindLabel, adviceStatusLabel, anomalyKindLabel, anomalyStatusLabel, severityLabel, batchStatusLabel, adviceTitle }
}
