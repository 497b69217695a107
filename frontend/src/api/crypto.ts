import type {
  Certificate,
  CertificatePage,
  CryptoKey,
  CryptoKeys,
  ImportCertificateRequest,
  IntegrityReport,
  IssueCertificateRequest,
  IssuedCertificate,
  LogCheckpoint,
  SignResult,
  SiteIdentity,
  VerifyResult,
} from '@/api/contract'
import type { operations } from '@/api/schema'
import { http } from './http'

export type SignatureForm = 'raw' | 'pkcs7-detached' | 'pkcs7-attached'
export type CertificateListParams = NonNullable<
  operations['Crypto_Certificates']['parameters']['query']
>

/** National cryptography (密码应用): the integrity tool, keys, certificates and the integrity report. */
export const crypto = {
  site: (signal?: AbortSignal) => http.get<SiteIdentity>('/api/crypto/site', { signal }),
  signFile: (file: File, form: SignatureForm, distinguishingId: string | null) => {
    const body = new FormData()
    body.append('file', file, file.name)
    body.append('form', form)
    if (distinguishingId !== null) {
      body.append('distinguishingId', distinguishingId)
    }
    return http.post<SignResult>('/api/crypto/sign-file', body)
  },
  verifyFile: (
    file: File | null,
    signature: File,
    form: SignatureForm,
    certificate: string | null,
  ) => {
    const body = new FormData()
    if (file) {
      body.append('file', file, file.name)
    }
    body.append('signature', signature, signature.name)
    body.append('form', form)
    if (certificate) {
      body.append('certificate', certificate)
    }
    return http.post<VerifyResult>('/api/crypto/verify-file', body)
  },
  integrity: (signal?: AbortSignal) =>
    http.get<IntegrityReport>('/api/crypto/integrity', { signal }),
  checkpoint: () => http.post<LogCheckpoint | undefined>('/api/crypto/integrity/checkpoint', null),
  keys: (signal?: AbortSignal) => http.get<CryptoKeys>('/api/crypto/keys', { signal }),
  rotate: (purpose: string) => http.post<CryptoKey>(`/api/crypto/keys/${purpose}/rotate`, null),
  certificates: (params: CertificateListParams, signal?: AbortSignal) =>
    http.get<CertificatePage>('/api/crypto/certificates', { query: params, signal }),
  issue: (body: IssueCertificateRequest) =>
    http.post<IssuedCertificate>('/api/crypto/certificates', body),
  import: (body: ImportCertificateRequest) =>
    http.post<Certificate>('/api/crypto/certificates/import', body),
  revoke: (id: number, reason: string) =>
    http.post<Certificate>(`/api/crypto/certificates/${id}/revoke`, { reason }),
}
