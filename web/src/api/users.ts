import { download, http, type ItemsResult, type ListResult, type Query } from './http'
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

export interface AccountManager {
  id: number
  username: string
  display_name: string
  org_unit_name: string
}

// Account managers the caller may assign (needs only customer.read, unlike the user admin list).
export function listAccountManagers(q: string): Promise<ListResult<AccountManager>> {
  return http.get<ListResult<AccountManager>>('/account-managers', { q }, { silent: true })
}

export function exportUsers(query: Query): Promise<void> {
  return download('/users/export', query, 'users.xlsx')
}
