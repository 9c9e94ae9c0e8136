import { http, type ItemsResult } from './http'
import type { ApiKey, CreatedApiKey } from './types'

export function listApiKeys(): Promise<ItemsResult<ApiKey>> {
  return http.get<ItemsResult<ApiKey>>('/api-keys')
}

export function createApiKey(name: string, userId: number): Promise<CreatedApiKey> {
  return http.post<CreatedApiKey>('/api-keys', { name, user_id: userId }, { silent: true })
}

export function revokeApiKey(id: number): Promise<void> {
  return http.delete<void>(`/api-keys/${id}`)
}
