import type {
  BatchRolesRequest,
  BatchRolesResponse,
  CloneUserRequest,
  CreateUserRequest,
  EffectivePermissions,
  RoleCatalog,
  RoleDetail,
  RolePage,
  RoleRequest,
  RoleSummary,
  UserCounts,
  UserDetail,
  UserFields,
  UserImportReport,
  UserPage,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { buildUrl, http } from './http'

/** Query parameters of `GET /api/users`, as the OpenAPI document declares them. */
export type UserSearchParams = NonNullable<operations['Users_List']['parameters']['query']>
/** Query parameters of `GET /api/roles`. */
export type RoleSearchParams = NonNullable<operations['Roles_List']['parameters']['query']>

export const searchUsers = (params: UserSearchParams, signal?: AbortSignal) =>
  http.get<UserPage>('/api/users', { query: params, signal })
export const userCounts = (signal?: AbortSignal) =>
  http.get<UserCounts>('/api/users/counts', { signal })
export const getUser = (id: number, signal?: AbortSignal) =>
  http.get<UserDetail>(`/api/users/${id}`, { signal })
export const createUser = (body: CreateUserRequest) => http.post<UserDetail>('/api/users', body)
export const updateUser = (id: number, body: UserFields) =>
  http.put<UserDetail>(`/api/users/${id}`, body)
export const deleteUser = (id: number) => http.delete<void>(`/api/users/${id}`)
export const cloneUser = (id: number, body: CloneUserRequest) =>
  http.post<UserDetail>(`/api/users/${id}/clone`, body)
export const setUserEnabled = (id: number, enabled: boolean) =>
  http.post<unknown>(`/api/users/${id}/${enabled ? 'enable' : 'disable'}`)
export const resetPassword = (id: number, newPassword: string) =>
  http.post<void>(`/api/users/${id}/password-reset`, { newPassword })
export const batchRoles = (body: BatchRolesRequest) =>
  http.post<BatchRolesResponse>('/api/users/batch-roles', body)
export const userPermissions = (id: number, signal?: AbortSignal) =>
  http.get<EffectivePermissions>(`/api/users/${id}/permissions`, { signal })
export const userExportUrl = (params: UserSearchParams) => buildUrl('/api/users/export', params)
export const userTemplateUrl = () => buildUrl('/api/users/template')

export function importUsers(file: File): Promise<UserImportReport> {
  const form = new FormData()
  form.append('file', file)
  return http.post<UserImportReport>('/api/users/import', form)
}

export const searchRoles = (params: RoleSearchParams, signal?: AbortSignal) =>
  http.get<RolePage>('/api/roles', { query: params, signal })
export const roleCatalog = (signal?: AbortSignal) =>
  http.get<RoleCatalog>('/api/roles/catalog', { signal })
export const getRole = (id: number, signal?: AbortSignal) =>
  http.get<RoleDetail>(`/api/roles/${id}`, { signal })
export const createRole = (body: RoleRequest) => http.post<RoleDetail>('/api/roles', body)
export const updateRole = (id: number, body: RoleRequest) =>
  http.put<RoleDetail>(`/api/roles/${id}`, body)
export const deleteRole = (id: number) => http.delete<void>(`/api/roles/${id}`)
export const cloneRole = (id: number, name: string, displayName: string) =>
  http.post<RoleDetail>(`/api/roles/${id}/clone`, { name, displayName })
export const setRoleEnabled = (id: number, enabled: boolean) =>
  http.post<RoleSummary>(`/api/roles/${id}/${enabled ? 'enable' : 'disable'}`)
export const roleExportUrl = () => buildUrl('/api/roles/export')
