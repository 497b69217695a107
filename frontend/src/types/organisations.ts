export type OrganisationKind =
  'bureau' | 'station' | 'traffic' | 'fire' | 'subdistrict' | 'town' | 'unit'

export interface Organisation {
  id: number
  parentId: number | null
  name: string
  kind: OrganisationKind
  code: string
  deviceCount: number
}
