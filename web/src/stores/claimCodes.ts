import { defineStore } from 'pinia'
import { ref } from 'vue'
import { fetchClaimCodes, type ClaimCodes } from '@/api/claims'

// The claim code lists (types, classes, channels …) from the server, loaded once. Labels come
// from the locale files (utils/claimLabels.ts).
export const useClaimCodesStore = defineStore('claimCodes', () => {
  const codes = ref<ClaimCodes | null>(null)
  let loading: Promise<void> | null = null

  function load(): Promise<void> {
    loading ??= fetchClaimCodes()
      .then((value) => {
        codes.value = value
      })
      .catch((error) => {
        loading = null
        throw error
      })
    return loading
  }

  function list(kind: keyof ClaimCodes): string[] {
    return codes.value?.[kind] ?? []
  }

  function reset(): void {
    codes.value = null
    loading = null
  }

  return { codes, load, list, reset }
})
