import { http, type ItemsResult } from './http'
import type { Enums, Industry, Line, TransformerArea } from './types'

export function fetchEnums(): Promise<Enums> {
  return http.get<Enums>('/reference/enums')
}

export function fetchIndustries(): Promise<ItemsResult<Industry>> {
  return http.get<ItemsResult<Industry>>('/reference/industries')
}

export function searchLines(q: string): Promise<ItemsResult<Line>> {
  return http.get<ItemsResult<Line>>('/lines', { q })
}

export function fetchTransformerAreas(lineId: number): Promise<ItemsResult<TransformerArea>> {
  return http.get<ItemsResult<TransformerArea>>('/transformer-areas', { line_id: lineId })
}
