// Tags of issue 10 against a running node (bench/tags.sh starts it): merge and recycle of a tag on 10,000 labelled
// devices until the search index shows it, and labelling statistics over 90 days of label history (written by
// tags.sh into the store beforehand). Prints one JSON line. The 3-tag search load runs with wrk afterwards, on the
// tags this script leaves labelled (their ids are in the JSON).
//   node bench/tags.mjs http://127.0.0.1:5193
const BASE = process.argv[2] ?? 'http://127.0.0.1:5193'
const headers = { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' }
const login = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers, body: JSON.stringify({ username: 'admin', password: 'Admin#2026' }) })
if (!login.ok) throw new Error(`sign-in: HTTP ${login.status}`)
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
const h = { ...headers, Cookie: cookie }
const sorted = (xs) => [...xs].sort((a, b) => a - b)
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]

async function call(method, path, body) {
  const r = await fetch(`${BASE}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await r.text()
  if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 300)}`)
  return text ? JSON.parse(text) : null
}

async function placeType(name) {
  return (await call('POST', '/api/tags', { category: 'scene', kind: 'placeType', name })).tag.id
}

async function label(tag, ids) {
  for (let i = 0; i < ids.length; i += 2000) await call('POST', `/api/tags/${tag}/labels`, { deviceIds: ids.slice(i, i + 2000) })
}

async function searchTotal(query) {
  return (await call('GET', `/api/devices/search?pageSize=1&${query}`)).total
}

/** Waits until the search finds `expected` devices for the query (the index follows the outbox). */
async function until(query, expected, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  let total
  while ((total = await searchTotal(query)) !== expected) {
    if (Date.now() > deadline) throw new Error(`${query}: ${total} devices found after ${timeoutMs} ms, ${expected} expected`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function job(started) {
  let j = started
  while (!['succeeded', 'failed', 'cancelled'].includes(j.status)) {
    await new Promise((r) => setTimeout(r, 50))
    j = await call('GET', `/api/jobs/${j.id}`)
  }
  if (j.status !== 'succeeded') throw new Error(`job ${j.id}: ${j.status} ${j.error}`)
  return JSON.parse(j.result)
}

// The node may still be rebuilding its search index after the start: wait until it holds every device and nothing is pending.
for (let stable = 0; stable < 3; ) {
  const index = await call('GET', '/api/search/index')
  stable = index.documents === index.ledgerDevices && index.pendingChanges === 0 ? stable + 1 : 0
  await new Promise((r) => setTimeout(r, 500))
}

// Every device id, by unit (the search pages at most 200 and 10,000 deep).
const units = await call('GET', '/api/organisations')
const seen = new Set()
const ids = []
for (const unit of units) {
  for (let page = 1; ; page++) {
    const found = await call('GET', `/api/devices/search?organisationId=${unit.id}&pageSize=200&page=${page}&sort=gbCode`)
    for (const d of found.items) if (!seen.has(d.id)) (seen.add(d.id), ids.push(d.id))
    if (found.items.length < 200 || page * 200 >= 10_000) break
  }
  if (ids.length >= 16_000) break
}
const stamp = Date.now() % 1_000_000

// Merge: source on 10,000 devices, target on 4,000 of them plus 2,000 others.
const source = await placeType(`合并源${stamp}`)
const target = await placeType(`合并目标${stamp}`)
await label(source, ids.slice(0, 10_000))
await label(target, [...ids.slice(6_000, 10_000), ...ids.slice(10_000, 12_000)])
await until(`tag=${source}`, 10_000)
let t0 = performance.now()
const merged = await job(await call('POST', `/api/tags/${source}/merge`, { targetId: target }))
const mergeJobMs = performance.now() - t0
await until(`tag=${target}`, 12_000)
const mergeMs = performance.now() - t0

// Recycle the target (12,000 devices) until no device in the index carries it.
t0 = performance.now()
const recycled = await job(await call('POST', `/api/tags/${target}/recycle`))
const recycleJobMs = performance.now() - t0
await until(`tag=${target}`, 0)
const recycleMs = performance.now() - t0

// Statistics of every unit over 90 days of history (tags.sh wrote it), 40 requests one after another.
const from = new Date(Date.now() + 8 * 3600_000 - 89 * 86_400_000).toISOString().slice(0, 10)
const statsMs = []
let labels = 0
for (let i = 0; i < 40; i++) {
  const s = performance.now()
  const stats = await call('GET', `/api/tags/stats?from=${from}`)
  statsMs.push(performance.now() - s)
  labels = stats.labels
}

// Three tags for the search load: on 9,000, 7,000 and 5,000 devices, overlapping.
const a = await placeType(`检索甲${stamp}`)
const b = await placeType(`检索乙${stamp}`)
const c = await placeType(`检索丙${stamp}`)
await label(a, ids.slice(0, 9_000))
await label(b, ids.slice(2_000, 9_000))
await label(c, ids.slice(4_000, 9_000))
await until(`tag=${a}&tag=${b}&tag=${c}`, 5_000)

console.log(JSON.stringify({
  devices: ids.length,
  mergeMs: Math.round(mergeMs), mergeJobMs: Math.round(mergeJobMs), merged,
  recycleMs: Math.round(recycleMs), recycleJobMs: Math.round(recycleJobMs), recycled,
  statsLabels: labels, statsP50: Math.round(pct(statsMs, 50)), statsP99: Math.round(pct(statsMs, 99)),
  tags: [a, b, c], cookie,
}))
