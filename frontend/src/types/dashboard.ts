export type DeviceStatus = 'online' | 'offline' | 'fault'

export type DeviceType =
  | 'smartBullet'
  | 'hdBullet'
  | 'hdDome'
  | 'highPoint'
  | 'drone'
  | 'wirelessEmergency'
  | 'vehicleMounted'

export interface DeviceTypeCount {
  type: DeviceType | string
  count: number
  online: number
}

export interface DeviceStatusCount {
  status: DeviceStatus
  count: number
}

export interface StationCount {
  organisationId: number
  name: string
  count: number
  online: number
}

export interface DashboardSummary {
  totalDevices: number
  onlineDevices: number
  offlineDevices: number
  faultDevices: number
  /** 0..1 */
  onlineRate: number
  byType: DeviceTypeCount[]
  byStatus: DeviceStatusCount[]
  byStation: StationCount[]
  seeding: boolean
}
