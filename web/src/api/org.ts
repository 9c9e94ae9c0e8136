import { http, type ItemsResult } from './http'
import type { OrgKind, OrgTreeNode, OrgUnit } from './types'

export function fetchOrgUnits(): Promise<ItemsResult<OrgUnit>> {
  return http.get<ItemsResult<OrgUnit>>('/org-units')
}

export function createOrgUnit(input: { parent_id: number | null; kind: OrgKind; code: string; name: string }): Promise<OrgUnit> {
  return http.post<OrgUnit>('/org-units', input, { silent: true })
}

export function renameOrgUnit(id: number, name: string): Promise<OrgUnit> {
  return http.patch<OrgUnit>(`/org-units/${id}`, { name }, { silent: true })
}

// Builds the tree client-side; units whose parent is not visible to the
// caller (outside their scope) become roots.
export function buildOrgTree(units: OrgUnit[]): OrgTreeNode[] {
  const nodes = new Map<number, OrgTreeNode>()
  for (const unit of units) nodes.set(unit.id, { ...unit, children: [] })
  const roots: OrgTreeNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parent_id != null ? nodes.get(node.parent_id) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const sortTree = (list: OrgTreeNode[]) => {
    list.sort((a, b) => a.code.localeCompare(b.code))
    list.forEach((n) => sortTree(n.children))
  }
  sortTree(roots)
  return roots
}
