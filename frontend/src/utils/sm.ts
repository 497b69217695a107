import { sm2 } from 'sm-crypto-v2'

/**
 * National cryptography in the browser (sm-crypto-v2, MIT): the password encrypted with the node's SM2 site key for
 * sign-in, and the sign-in challenge signed with the user's SM2 key (a software key from the files the node's CA
 * issued; a USB key's browser middleware does the same through its own API).
 */

/** The standard SM2 distinguishing ID (GM/T 0009). */
export const DEFAULT_ID = '1234567812345678'

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** Base64 of a hex string. */
export function hexToBase64(value: string): string {
  let binary = ''
  for (let i = 0; i < value.length; i += 2) {
    binary += String.fromCharCode(parseInt(value.slice(i, i + 2), 16))
  }
  return btoa(binary)
}

/**
 * "{challengeId}\n{password}" encrypted for the site key (SM2, C1C3C2), as hex of 04‖C1‖C3‖C2: the node decrypts it
 * and uses the challenge once, so a captured request cannot be replayed.
 */
export function encryptPassword(
  sitePublicKey: string,
  challengeId: string,
  password: string,
): string {
  return '04' + sm2.doEncrypt(`${challengeId}\n${password}`, sitePublicKey, 1)
}

/** The SM2 signature (DER, base64) of a UTF-8 text, SM3 over Z‖M with the standard ID. */
export function signText(privateKey: string, text: string): string {
  const publicKey = sm2.getPublicKeyFromPrivateKey(privateKey)
  return hexToBase64(
    sm2.doSignature(text, privateKey, { hash: true, der: true, userId: DEFAULT_ID, publicKey }),
  )
}

/** Whether an SM2 signature (DER, hex) of a text verifies (used by the unit test). */
export function verifyText(publicKey: string, text: string, signatureHex: string): boolean {
  return sm2.doVerifySignature(text, signatureHex, publicKey, {
    hash: true,
    der: true,
    userId: DEFAULT_ID,
  })
}

/** The blocks of a PEM text: label and DER bytes. */
export function readPem(text: string): { label: string; der: Uint8Array }[] {
  const blocks: { label: string; der: Uint8Array }[] = []
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g
  for (const match of text.matchAll(pattern)) {
    const binary = atob(match[2]!.replace(/\s+/g, ''))
    blocks.push({ label: match[1]!, der: Uint8Array.from(binary, (c) => c.charCodeAt(0)) })
  }
  return blocks
}

/** One DER element at an offset: tag, content start and end. */
function element(der: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  const tag = der[offset]!
  let length = der[offset + 1]!
  let start = offset + 2
  if (length & 0x80) {
    const count = length & 0x7f
    length = 0
    for (let i = 0; i < count; i++) {
      length = length * 256 + der[start + i]!
    }
    start += count
  }
  if (start + length > der.length) {
    throw new Error('truncated DER')
  }
  return { tag, start, end: start + length }
}

/** The children of a constructed DER element. */
function children(der: Uint8Array, start: number, end: number) {
  const items = []
  for (let offset = start; offset < end;) {
    const item = element(der, offset)
    items.push(item)
    offset = item.end
  }
  return items
}

/** The 32-byte private scalar (hex) of an SEC1 ECPrivateKey: SEQUENCE { 1, OCTET STRING key, … }. */
function sec1Key(der: Uint8Array, start: number, end: number): string {
  const [version, key] = children(der, start, end)
  if (version?.tag !== 0x02 || key?.tag !== 0x04) {
    throw new Error('not an EC private key')
  }
  return hex(der.slice(key.start, key.end)).padStart(64, '0')
}

/**
 * The SM2 private key (hex scalar) from PEM: PKCS#8 "PRIVATE KEY" (what the node's CA and OpenSSL 3 write) or SEC1
 * "EC PRIVATE KEY". Throws on anything else.
 */
export function privateKeyFromPem(text: string): string {
  for (const { label, der } of readPem(text)) {
    const outer = element(der, 0)
    if (label === 'EC PRIVATE KEY') {
      return sec1Key(der, outer.start, outer.end)
    }
    if (label === 'PRIVATE KEY') {
      // PrivateKeyInfo: SEQUENCE { 0, AlgorithmIdentifier, OCTET STRING { ECPrivateKey } }
      const [, , wrapped] = children(der, outer.start, outer.end)
      if (wrapped?.tag !== 0x04) {
        throw new Error('not PKCS#8')
      }
      const inner = element(der, wrapped.start)
      return sec1Key(der, inner.start, inner.end)
    }
  }
  throw new Error('no private key')
}

/** The certificate PEM block of a text (a .crt, or a bundle with the key), or null. */
export function certificateFromPem(text: string): string | null {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text)
  return match ? match[0] : null
}
