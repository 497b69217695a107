// Load generator of bench/signin.sh (Node 20, fetch): on one running node,
//   (1) 10 concurrent good sign-ins, 5 rounds -> latency p50/p99 (ms);
//   (2) GET /api/auth/me for a signed-in user, sequentially, while 60 parallel bad sign-ins run -> /me p50/p99/max
//       (ms), and how the bad sign-ins were answered.
// Prints one JSON line. Usage: node bench/signin-burst.mjs BASE_URL USER PASSWORD
const [base, user, password] = process.argv.slice(2)
const headers = { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' }

const now = () => Number(process.hrtime.bigint()) / 1e6
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}
const round = (x) => Math.round(x * 10) / 10

async function signIn(name, secret) {
  const started = now()
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ username: name, password: secret }),
  })
  await response.arrayBuffer()
  return { ms: now() - started, status: response.status, cookie: response.headers.getSetCookie()[0]?.split(';')[0] }
}

// (1) good sign-ins
const good = []
for (let r = 0; r < 5; r++) {
  const batch = await Promise.all(Array.from({ length: 10 }, () => signIn(user, password)))
  if (batch.some((b) => b.status !== 200)) {
    throw new Error(`good sign-in answered ${batch.map((b) => b.status).join(',')}`)
  }
  good.push(...batch.map((b) => b.ms))
}

// (2) /me during a burst of bad sign-ins
const { cookie } = await signIn(user, password)
const me = []
let burstDone = false
const statuses = {}
const burstStarted = now()
const burst = Promise.all(
  Array.from({ length: 60 }, async () => {
    const answer = await signIn(user, 'definitely-wrong')
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1
  }),
).then(() => {
  burstDone = true
})
while (!burstDone) {
  const started = now()
  const response = await fetch(`${base}/api/auth/me`, { headers: { Cookie: cookie } })
  await response.arrayBuffer()
  if (response.status !== 200) {
    throw new Error(`/api/auth/me answered ${response.status} during the burst`)
  }
  me.push(now() - started)
}
await burst
console.log(
  JSON.stringify({
    signInP50: round(percentile(good, 50)),
    signInP99: round(percentile(good, 99)),
    meP50: round(percentile(me, 50)),
    meP99: round(percentile(me, 99)),
    meMax: round(Math.max(...me)),
    meSamples: me.length,
    burstSeconds: round((now() - burstStarted) / 1000),
    badAnswers: statuses,
  }),
)
