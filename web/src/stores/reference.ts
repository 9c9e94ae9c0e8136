import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as referenceApi from '@/api/reference'
import { buildOrgTree, fetchOrgUnits } from '@/api/org'
import type { EnumItem, EnumKind, Enums, Industry, OrgUnit } from '@/api/types'
import { i18n } from '@/i18n'

// Cached reference data: enums, industries and the org tree. Loaded lazily
// and shared by all pages; enum labels follow the current UI language.
export const useReferenceStore = defineStore('reference', () => {
  const enums = ref<Enums | null>(null)
  const industries = ref<Industry[]>([])
  const orgUnits = ref<OrgUnit[]>([])
  let enumsPromise: Promise<void> | null = null
  let industriesPromise: Promise<void> | null = null
  let orgPromise: Promise<void> | null = null

  const orgTree = computed(() => buildOrgTree(orgUnits.value))

  function loadEnums(): Promise<void> {
    enumsPromise ??= referenceApi
      .fetchEnums()
      .then((value) => {
        enums.value = value
      })
      .catch((error) => {
        enumsPromise = null
        throw error
      })
    return enumsPromise
  }

  function loadIndustries(): Promise<void> {
    industriesPromise ??= referenceApi
      .fetchIndustries()
      .then((value) => {
        industries.value = value.items
      })
      .catch((error) => {
        industriesPromise = null
        throw error
      })
    return industriesPromise
  }

  function loadOrgUnits(force = false): Promise<void> {
    if (force) orgPromise = null
    orgPromise ??= fetchOrgUnits()
      .then((value) => {
        orgUnits.value = value.items
      })
      .catch((error) => {
        orgPromise = null
        throw error
      })
    return orgPromise
  }

  function options(kind: EnumKind): EnumItem[] {
    return enums.value?.[kind] ?? []
  }

  function itemLabel(item: EnumItem): string {
    return i18n.global.locale.value === 'en' ? item.en : item.zh
  }

  // Label of an enum code in the current language; the raw code if unknown.
  function label(kind: EnumKind, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const item = options(kind).find((entry) => entry.code === code)
    return item ? itemLabel(item) : code
  }

  function industryName(code: string | null | undefined): string {
    if (!code) return ''
    return industries.value.find((item) => item.code === code)?.name ?? code
  }

  function reset(): void {
    enums.value = null
    industries.value = []
    orgUnits.value = []
    enumsPromise = industriesPromise = orgPromise = null
  }

  return {
    enums,
    industries,
    orgUnits,
    orgTree,
    loadEnums,
    loadIndustries,
    loadOrgUnits,
    options,
    itemLabel,
    label,
    industryName,
    reset,
  }
})
