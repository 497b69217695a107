import type {
  CertificateLoginRequest,
  ChangePasswordRequest,
  LoginRequest,
  Me,
  SignInChallenge,
} from '@/api/contract'
import { http } from './http'

/** Signs in; a 401 here is a credential problem, not an expired session. */
export function login(credentials: LoginRequest, signal?: AbortSignal): Promise<Me> {
  return http.post<Me>('/api/auth/login', credentials, { signal, skipUnauthorizedHandler: true })
}

/** A one-time challenge and the site's SM2 public key (to sign, or to encrypt the password for). */
export function challenge(signal?: AbortSignal): Promise<SignInChallenge> {
  return http.post<SignInChallenge>('/api/auth/challenge', null, {
    signal,
    skipUnauthorizedHandler: true,
  })
}

/** Signs in with an SM2 certificate: the challenge's text signed by the certificate's key. */
export function certificateLogin(body: CertificateLoginRequest, signal?: AbortSignal): Promise<Me> {
  return http.post<Me>('/api/auth/login/certificate', body, {
    signal,
    skipUnauthorizedHandler: true,
  })
}

export function logout(signal?: AbortSignal): Promise<void> {
  return http.post<void>('/api/auth/logout', undefined, { signal, skipUnauthorizedHandler: true })
}

/** Current user; rejects with a 401 ApiError when there is no session. */
export function getMe(signal?: AbortSignal): Promise<Me> {
  return http.get<Me>('/api/auth/me', { signal, skipUnauthorizedHandler: true })
}

/** Changes the signed-in user's own password; the server ends the user's other sessions. */
export function changePassword(request: ChangePasswordRequest, signal?: AbortSignal): Promise<Me> {
  return http.post<Me>('/api/auth/password', request, { signal })
}
