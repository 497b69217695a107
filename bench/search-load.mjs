// Device-search load and recall for bench/search.sh. Node 20, no dependencies except the ones search.sh installs
// into its temp folder (pinyin-pro for pinyin, pg for the PostgreSQL peer), passed through NODE_PATH.
//   node search-load.mjs prepare BASE_URL OUT.json      sign in, fetch every demo device name, build query sets
//   node search-load.mjs load BASE_URL QUERIES.json KIND CONCURRENCY SECONDS     CityEye /api/devices/search
//   node search-load.mjs pg CONNSTRING QUERIES.json MODE CONCURRENCY SECONDS      PostgreSQL ILIKE or pg_trgm
//   node search-load.mjs recall BASE_URL QUERIES.json                            top-10 recall by pinyin
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const [, , command, target, file, ...rest] = process.argv

async function signIn(base) {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
    body: JSON.stringify({ username: 'admin', password: 'Admin#2026' }),
  })
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`)
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

function stats(latencies, seconds) {
  latencies.sort((a, b) => a - b)
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]
  return { requests: latencies.length, p50: +at(50).toFixed(2), p99: +at(99).toFixed(2), rps: +(latencies.length / seconds).toFixed(0) }
}

async function run(concurrency, seconds, once) {
  const latencies = []
  const deadline = performance.now() + seconds * 1000
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now()
        await once(next++)
        latencies.push(performance.now() - started)
      }
    }),
  )
  return stats(latencies, seconds)
}

if (command === 'prepare') {
  const { pinyin } = require('pinyin-pro')
  const cookie = await signIn(target)
  const devices = []
  for (let page = 1; ; page++) {
    const r = await fetch(`${target}/api/devices/search?sort=gbCode&pageSize=200&page=${page}`, { headers: { cookie } })
    const body = await r.json()
    devices.push(...body.items.map((i) => ({ id: i.id, name: i.name, keyboardCode: i.keyboardCode, gbCode: i.gbCode })))
    if (devices.length >= body.total || body.items.length === 0 || page * 200 >= 10000) break
  }
  // Paging stops at 10,000 hits per search: fetch the rest sorted the other way.
  for (let page = 1; devices.length < 16231 && page <= 50; page++) {
    const r = await fetch(`${target}/api/devices/search?sort=name&pageSize=200&page=${page}`, { headers: { cookie } })
    for (const i of (await r.json()).items) {
      if (!devices.some((d) => d.id === i.id)) devices.push({ id: i.id, name: i.name, keyboardCode: i.keyboardCode, gbCode: i.gbCode })
    }
  }
  const base = (name) => name.split('_')[0]
  // Chinese characters, digits and letters (plates such as 沪A1234 keep their letter, as a user types it).
  const han = (text) => text.replace(/[^\u4e00-\u9fff0-9A-Za-z]/g, '')
  const full = (text) => pinyin(han(text), { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('').replace(/ü/g, 'v').toLowerCase()
  const initials = (text) => pinyin(han(text), { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('').replace(/ü/g, 'v').toLowerCase()
  const queries = devices.map((d, i) => {
    const b = base(d.name)
    const start = 2 + (i % Math.max(1, b.length - 6))
    return {
      id: d.id,
      name: d.name,
      chinese: b.slice(start, start + 4),
      full: full(b),
      initials: initials(b),
      prefix: initials(b).slice(0, 4),
      code: d.keyboardCode.slice(0, 4),
    }
  })
  await writeFile(file, JSON.stringify(queries))
  console.log(JSON.stringify({ devices: devices.length }))
} else if (command === 'load') {
  const [kind, concurrency, seconds] = rest
  const queries = JSON.parse(await readFile(file, 'utf8'))
  const cookie = await signIn(target)
  const result = await run(+concurrency, +seconds, async (n) => {
    const q = queries[(n * 7919) % queries.length][kind]
    const r = await fetch(`${target}/api/devices/search?q=${encodeURIComponent(q)}&pageSize=20`, { headers: { cookie } })
    if (!r.ok) throw new Error(`HTTP ${r.status} for ${q}`)
    await r.arrayBuffer()
  })
  console.log(JSON.stringify({ kind, concurrency: +concurrency, ...result }))
} else if (command === 'pg') {
  const [mode, concurrency, seconds] = rest
  const { Pool } = require('pg')
  const pool = new Pool({ connectionString: target, max: +concurrency })
  const queries = JSON.parse(await readFile(file, 'utf8'))
  // What open GB28181 platforms do: a substring match over name and address, 20 rows, plus the total.
  const sql =
    "SELECT id, name, gb_code, keyboard_code, address, count(*) OVER () AS total FROM devices WHERE name ILIKE $1 OR address ILIKE $1 ORDER BY name LIMIT 20"
  const result = await run(+concurrency, +seconds, async (n) => {
    const q = queries[(n * 7919) % queries.length].chinese
    await pool.query(sql, [`%${q}%`])
  })
  await pool.end()
  console.log(JSON.stringify({ mode, concurrency: +concurrency, ...result }))
} else if (command === 'recall') {
  const queries = JSON.parse(await readFile(file, 'utf8'))
  const cookie = await signIn(target)
  const found = { full: 0, initials: 0 }
  const misses = { full: [], initials: [] }
  let next = 0
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < queries.length) {
        const q = queries[next++]
        for (const kind of ['full', 'initials']) {
          const r = await fetch(`${target}/api/devices/search?q=${encodeURIComponent(q[kind])}&pageSize=10`, { headers: { cookie } })
          const body = await r.json()
          if (body.items?.some((i) => i.id === q.id)) found[kind]++
          else if (misses[kind].length < 5) misses[kind].push(`${q.name} <- ${q[kind]}`)
        }
      }
    }),
  )
  console.log(JSON.stringify({ devices: queries.length, fullPinyin: +(found.full / queries.length).toFixed(4), initials: +(found.initials / queries.length).toFixed(4), misses }))
} else {
  console.error('usage: see the header of this file')
  process.exit(2)
}
