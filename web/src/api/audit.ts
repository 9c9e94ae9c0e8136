import { download, http, type ListResult, type Query } from './http'
import type { AuditEntry } from './types'

export function listAudit(query: Query): Promise<ListResult<AuditEntry>> {
  return http.get<ListResult<AuditEntry>>('/audit', query)
}

export function exportAudit(query: Query): Promise<void> {
  return download('/audit/export', query, 'audit.xlsx')
}
