// Capture ingest load for bench/captures.sh. Node 20, no dependencies.
//   node captures-load.mjs BASE_URL TYPE COUNT BATCH CONCURRENCY
// Signs in as admin, takes 200 demo devices, sends COUNT captures of TYPE (face: 1024-d, body: 592-d, vehicle: 512-d
// vectors supplied, as the intelligent video system does) in batches of BATCH from CONCURRENCY senders (a 429 waits
// its Retry-After and sends again), then waits until the analytics store holds them all. Prints one JSON line:
// acknowledged/s (answers of the API) and stored/s (until GET /api/captures counts every one), and the 429s seen.
const [, , base, type, countText, batchText, concurrencyText] = process.argv
const count = Number(countText)
const batch = Number(batchText)
const concurrency = Number(concurrencyText)
const dimensions = { face: 1024, body: 592, vehicle: 512 }[type]
if (!dimensions) throw new Error(`type must be face, body or vehicle, not ${type}`)

const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
  body: JSON.stringify({ username: 'admin', password: 'Admin#2026' }),
})
if (!login.ok) throw new Error(`sign-in failed: ${login.status}`)
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
const headers = { cookie, 'Content-Type': 'application/json', 'X-CityEye-Request': '1' }
const devices = (await (await fetch(`${base}/api/devices/search?pageSize=200`, { headers })).json()).items.map((d) => d.gbCode)

// Deterministic unit vectors: 500 "people", each capture its person's centre plus noise.
function vector(seed) {
  let state = seed * 2654435761 % 4294967296
  const next = () => ((state = (state * 1664525 + 1013904223) % 4294967296) / 4294967296) - 0.5
  const person = seed % 500
  let centreState = (person + 1) * 40503
  const centre = () => ((centreState = (centreState * 1664525 + 1013904223) % 4294967296) / 4294967296) - 0.5
  const v = new Array(dimensions)
  let norm = 0
  for (let i = 0; i < dimensions; i++) {
    v[i] = centre() + 0.2 * next()
    norm += v[i] * v[i]
  }
  norm = Math.sqrt(norm)
  return v.map((x) => Math.round((x / norm) * 1e5) / 1e5)
}

const source = `bench-${type}-${Date.now()}`
const now = Date.now()
function body(first) {
  const captures = []
  for (let i = first; i < Math.min(count, first + batch); i++) {
    captures.push({
      sourceId: `c${i}`,
      type,
      time: new Date(now - (count - i) * 50).toISOString(),
      deviceCode: devices[i % devices.length],
      imageUrl: `http://127.0.0.1:9/ivs/${i}.jpg`,
      attributes: type === 'vehicle' ? { plateNumber: `沪A${String(10000 + (i % 90000))}`, plateColour: 'blue', vehicleColour: 'black' } : {},
      vector: vector(i),
    })
  }
  return JSON.stringify({ source, captures })
}

let next = 0
let refused = 0
let accepted = 0
const started = performance.now()
async function sender() {
  while (next < count) {
    const first = next
    next += batch
    const payload = body(first)
    for (;;) {
      const response = await fetch(`${base}/api/captures`, { method: 'POST', headers, body: payload })
      if (response.status === 429) {
        refused++
        await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') || 1)))
        continue
      }
      if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`)
      accepted += (await response.json()).accepted
      break
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, sender))
const acknowledged = (performance.now() - started) / 1000
for (;;) {
  const page = await (await fetch(`${base}/api/captures?source=${source}&pageSize=1`, { headers })).json()
  if (page.total >= count) break
  await new Promise((r) => setTimeout(r, 100))
}
const stored = (performance.now() - started) / 1000
console.log(JSON.stringify({ type, count, accepted, refused429: refused, acknowledgedPerSecond: Math.round(count / acknowledged), storedPerSecond: Math.round(count / stored), seconds: +stored.toFixed(1) }))
