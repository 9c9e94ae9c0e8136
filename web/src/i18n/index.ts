import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from './locales/zh-CN'
import en from './locales/en'
import billingZhCN, { type BillingMessages } from './locales/billing.zh-CN'
import billingEn from './locales/billing.en'
import expansionZhCN, { type ExpansionMessages } from './locales/expansion.zh-CN'
import expansionEn from './locales/expansion.en'
import outagesZhCN, { type OutagesMessages } from './locales/outages.zh-CN'
import outagesEn from './locales/outages.en'
import qualityZhCN, { type QualityMessages } from './locales/quality.zh-CN'
import qualityEn from './locales/quality.en'
import tariffZhCN, { type TariffMessages } from './locales/tariff.zh-CN'
import tariffEn from './locales/tariff.en'
import analysisZhCN, { type AnalysisMessages } from './locales/analysis.zh-CN'
import analysisEn from './locales/analysis.en'

export type AppLocale = 'zh-CN' | 'en'
const STORAGE_KEY = 'lianxin.locale'

function initialLocale(): AppLocale {
  const saved = localStorage.getItem(STORAGE_KEY)
  return saved === 'en' ? 'en' : 'zh-CN'
}

// The billing, business-expansion, outage, data-quality and electricity-use analysis messages live in
// their own files, merged here under `billing`, `expansion`, `outages`, `quality`, `tariff` and
// `analysis` (the year overview, advice, anomalies and reports of the electricity-use analysis).
type AppMessages = MessageSchema & {
  billing: BillingMessages
  expansion: ExpansionMessages
  outages: OutagesMessages
  quality: QualityMessages
  tariff: TariffMessages
  analysis: AnalysisMessages
}

export const i18n = createI18n<[AppMessages], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': { ...zhCN, billing: billingZhCN, expansion: expansionZhCN, outages: outagesZhCN, quality: qualityZhCN, tariff: tariffZhCN, analysis: analysisZhCN },
    en: { ...en, billing: billingEn, expansion: expansionEn, outages: outagesEn, quality: qualityEn, tariff: tariffEn, analysis: analysisEn },
  },
})

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  localStorage.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

// Translation usable outside components (stores, http error reporter).
export function translate(key: string, params?: Record<string, unknown>): string {
  return params ? i18n.global.t(key, params) : i18n.global.t(key)
}

document.documentElement.lang = initialLocale()
