import { http, type ItemsResult, type ListResult, type Query } from './http'
import type { Role, User, UserInput } from './types'

export function listUsers(query: Query, silent = false): Promise<ListResult<User>> {
  return http.get<ListResult<User>>('/users', query, { silent })
}

export function createUser(input: UserInput): Promise<User> {
  return http.post<User>('/users', input, { silent: true })
}

export function updateUser(id: number, input: UserInput, silent = true): Promise<User> {
  return http.patch<User>(`/users/${id}`, input, { silent })
}

export function unlockUser(id: number): Promise<User> {
  return http.post<User>(`/users/${id}/unlock`)
}

export function listRoles(): Promise<ItemsResult<Role>> {
  return http.get<ItemsResult<Role>>('/roles')
}
