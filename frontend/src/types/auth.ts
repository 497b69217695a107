export interface Me {
  id: number
  username: string
  displayName: string
  organisationId: number
  organisationName: string
  roles: string[]
  permissions: string[]
}

export interface LoginRequest {
  username: string
  password: string
}

/** Permission strings granted by the API. */
export type Permission =
  | 'dashboard.view'
  | 'jobs.view'
  | 'jobs.manage'
  | 'organisations.view'
  | 'devices.view'
  | 'users.manage'
