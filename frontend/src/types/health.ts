export interface ReadinessCheck {
  state: string
  detail?: string | null
}

export interface Readiness {
  status: 'ready' | 'starting'
  checks: Record<string, ReadinessCheck>
}
