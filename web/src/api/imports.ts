import { download, http, type ItemsResult } from './http'
import type { ImportJob, ImportKind, ImportMode } from './types'

export type TemplateFormat = 'csv' | 'xlsx'

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export function downloadTemplate(kind: ImportKind, format: TemplateFormat): Promise<void> {
  return download('/imports/template', { kind, format }, `${kind}_template.${format}`)
}

export function contentTypeFor(fileName: string): string {
  return fileName.toLowerCase().endsWith('.xlsx') ? XLSX_CONTENT_TYPE : 'text/csv'
}

export function startImport(kind: ImportKind, mode: ImportMode, file: File): Promise<ImportJob> {
  return http.post<ImportJob>('/imports', undefined, {
    query: { kind, mode, file_name: file.name },
    rawBody: file,
    rawContentType: contentTypeFor(file.name),
    silent: true,
  })
}

export function fetchImport(id: number): Promise<ImportJob> {
  return http.get<ImportJob>(`/imports/${id}`, undefined, { silent: true })
}

export function cancelImport(id: number): Promise<ImportJob> {
  return http.post<ImportJob>(`/imports/${id}/cancel`)
}

export function listImports(): Promise<ItemsResult<ImportJob>> {
  return http.get<ItemsResult<ImportJob>>('/imports')
}
