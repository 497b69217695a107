import { sm2 } from 'sm-crypto-v2'
import { describe, expect, it } from 'vitest'
import { encryptPassword, privateKeyFromPem, signText, verifyText } from './sm'

// A test-only SM2 key written by OpenSSL 3 (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2`).
const PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQglbhds13jvDQqUEIT
XcJOFaCU068RDg5m8eQy6noMSMuhRANCAATA8ly9DtKEfSd2677ZM3nSZr0uT7J1
avn/jahyxHlMD6j10/H2SQ5fDPl2Sba0pT1J/RQBqY3Q+zMxjuf8cp4u
-----END PRIVATE KEY-----`
const SCALAR = '95b85db35de3bc342a5042135dc24e15a094d3af110e0e66f1e432ea7a0c48cb'

describe('browser SM2', () => {
  it('reads the private scalar from PKCS#8 PEM', () => {
    expect(privateKeyFromPem(PEM)).toBe(SCALAR)
    expect(() =>
      privateKeyFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    ).toThrow()
  })

  it('signs a text that verifies only with the key and the text', () => {
    const publicKey = sm2.getPublicKeyFromPrivateKey(SCALAR)
    const signature = signText(SCALAR, 'cityeye-sign-in:abc:xyz')
    const der = Array.from(atob(signature), (c) =>
      c.charCodeAt(0).toString(16).padStart(2, '0'),
    ).join('')
    expect(der.startsWith('30')).toBe(true)
    expect(verifyText(publicKey, 'cityeye-sign-in:abc:xyz', der)).toBe(true)
    expect(verifyText(publicKey, 'cityeye-sign-in:abc:xyZ', der)).toBe(false)
  })

  it('encrypts the password with the challenge for the site key, 04-prefixed', () => {
    const keys = sm2.generateKeyPairHex()
    const cipher = encryptPassword(keys.publicKey, 'challenge-1', 'Admin#2026')
    expect(cipher.startsWith('04')).toBe(true)
    expect(sm2.doDecrypt(cipher.slice(2), keys.privateKey, 1, { output: 'string' })).toBe(
      'challenge-1\nAdmin#2026',
    )
  })
})
