// Load generator of bench/signin-crypto.sh (Node 20, fetch, sm-crypto-v2 from frontend/node_modules): on one running
// node, sequential sign-ins of the administrator, interleaved, N of each kind:
//   password in clear; password SM2-encrypted with the site key (challenge + encrypt, as the SPA does);
//   certificate (challenge + SM2 signature with a key the node's CA issued, no password).
// Times are wall-clock per sign-in as the client sees it, client-side cryptography included. Prints one JSON line.
// Usage: node bench/signin-crypto.mjs BASE_URL USER PASSWORD [N]
import { sm2 } from '../frontend/node_modules/sm-crypto-v2/dist/index.mjs'

const [base, user, password, count = '30'] = process.argv.slice(2)
const headers = { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' }
const now = () => Number(process.hrtime.bigint()) / 1e6
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const p99 = (values) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.99 * values.length) - 1)]
const round = (x) => Math.round(x * 10) / 10

async function post(path, body, cookie) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: cookie ? { ...headers, Cookie: cookie } : headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`)
  return { body: text ? JSON.parse(text) : null, cookie: response.headers.getSetCookie()[0]?.split(';')[0] }
}

// A certificate for the administrator, with a key the node generates.
const admin = await post('/api/auth/login', { username: user, password })
const me = await (await fetch(`${base}/api/auth/me`, { headers: { Cookie: admin.cookie } })).json()
const issued = await post('/api/crypto/certificates', { kind: 'user', userId: me.userId ?? me.id }, admin.cookie)
const pem = issued.body.privateKey.replace(/-----[^-]+-----|\s/g, '')
const der = Buffer.from(pem, 'base64')
// PKCS#8: the 32-byte scalar follows the bytes 04 20 inside the ECPrivateKey.
const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]))
const privateKey = der.subarray(at + 5, at + 37).toString('hex')
const publicKey = sm2.getPublicKeyFromPrivateKey(privateKey)
const certificate = issued.body.certificate.certificate

const kinds = {
  async plain() {
    await post('/api/auth/login', { username: user, password })
  },
  async encrypted() {
    const c = (await post('/api/auth/challenge')).body
    const passwordCipher = '04' + sm2.doEncrypt(`${c.challengeId}\n${password}`, c.sitePublicKey, 1)
    await post('/api/auth/login', { username: user, passwordCipher, challengeId: c.challengeId })
  },
  async certificate() {
    const c = (await post('/api/auth/challenge')).body
    const signature = Buffer.from(
      sm2.doSignature(c.signedText, privateKey, { hash: true, der: true, userId: '1234567812345678', publicKey }),
      'hex',
    ).toString('base64')
    await post('/api/auth/login/certificate', { challengeId: c.challengeId, certificate, signature })
  },
}

const times = { plain: [], encrypted: [], certificate: [] }
for (let i = 0; i < Number(count) + 2; i++) {
  for (const [name, run] of Object.entries(kinds)) {
    const started = now()
    await run()
    if (i >= 2) times[name].push(now() - started) // the first two rounds warm up
  }
}
const out = {}
for (const [name, values] of Object.entries(times)) {
  out[`${name}P50`] = round(median(values))
  out[`${name}P99`] = round(p99(values))
}
console.log(JSON.stringify(out))
