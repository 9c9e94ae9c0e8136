import { computed } from 'vue'
import { useReferenceStore } from '@/stores/reference'
import { useSessionStore } from '@/stores/session'

// Departments share names across bureaus (every county has a 营销部): label one with its parent,
// "营销部 · 东城区供电局", from the cached org tree; the server's bare name until it is loaded.
export function useDepartmentLabel() {
  const reference = useReferenceStore()
  void reference.loadOrgUnits().catch(() => {})
  const byId = computed(() => new Map(reference.orgUnits.map((unit) => [unit.id, unit])))

  function departmentLabel(id: number | null | undefined, name?: string | null): string {
    const unit = id != null ? byId.value.get(id) : undefined
    if (!unit) return name ?? ''
    const parent = unit.parent_id != null ? byId.value.get(unit.parent_id) : undefined
    return parent ? `${unit.name} · ${parent.name}` : unit.name
  }

  // The bureau a department belongs to ("东城区供电局"), or ''.
  function bureauOf(id: number | null | undefined): string {
    const unit = id != null ? byId.value.get(id) : undefined
    const parent = unit?.parent_id != null ? byId.value.get(unit.parent_id) : undefined
    return parent?.name ?? ''
  }

  return { departmentLabel, bureauOf }
}

// Whether the signed-in user sits at the root of the org tree (company level): company-wide
// claim rules, the claim settings and the national calendar are changed only there.
export function useCompanyLevel() {
  const reference = useReferenceStore()
  const session = useSessionStore()
  void reference.loadOrgUnits().catch(() => {})
  return computed(() => {
    const unit = reference.orgUnits.find((entry) => entry.id === session.user?.org_unit_id)
    return unit !== undefined && unit.parent_id === null
  })
}
