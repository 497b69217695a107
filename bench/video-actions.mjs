// Video actions of issue 9 against a running node (bench/video-actions.sh starts it): the five frames around a
// moment of recorded video (POST /api/video/frames, 7 requests) and the time from a wall console command to the
// wall page's server-sent state event (15 commands). Prints one JSON line.
//   node bench/video-actions.mjs http://127.0.0.1:5192
const BASE = process.argv[2] ?? 'http://127.0.0.1:5192'
const headers = { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' }
const login = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers, body: JSON.stringify({ username: 'admin', password: 'Admin#2026' }) })
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
const h = { ...headers, Cookie: cookie }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const search = await (await fetch(`${BASE}/api/devices/search?status=Online&pageSize=3`, { headers: h })).json()
const ids = search.items.map((d) => d.id)

const frames = []
for (let i = 0; i < 7; i++) {
  const at = new Date(Date.now() - 10 * 60_000 - i * 7_000).toISOString()
  const t0 = performance.now()
  const r = await fetch(`${BASE}/api/video/frames`, { method: 'POST', headers: h, body: JSON.stringify({ deviceId: ids[0], at }) })
  await r.json()
  frames.push(performance.now() - t0)
}

const wall = await (await fetch(`${BASE}/api/walls`, { method: 'POST', headers: h, body: JSON.stringify({ name: `测量 ${Date.now() % 100000}`, rows: 1, columns: 2 }) })).json()
const events = await fetch(`${BASE}/api/walls/${wall.id}/events`, { headers: h })
const reader = events.body.getReader()
const decoder = new TextDecoder()
let buffer = ''
async function nextState() {
  while (true) {
    const at = buffer.indexOf('\n\n')
    if (at >= 0) {
      const block = buffer.slice(0, at)
      buffer = buffer.slice(at + 2)
      if (block.includes('event: state')) return JSON.parse(block.split('\n').find((l) => l.startsWith('data: ')).slice(6))
      continue
    }
    const { value } = await reader.read()
    buffer += decoder.decode(value, { stream: true })
  }
}
await nextState()
const push = []
for (let i = 0; i < 15; i++) {
  const t0 = performance.now()
  await fetch(`${BASE}/api/walls/${wall.id}/screens/0/cells/${i % 4}`, { method: 'PUT', headers: h, body: JSON.stringify({ deviceId: ids[i % ids.length] }) })
  await nextState()
  push.push(performance.now() - t0)
}
await reader.cancel()
await fetch(`${BASE}/api/walls/${wall.id}`, { method: 'DELETE', headers: h })
console.log(
  JSON.stringify({
    framesP50: Math.round(median(frames)),
    framesMax: Math.round(Math.max(...frames)),
    wallPushP50: Number(median(push).toFixed(1)),
    wallPushMax: Number(Math.max(...push).toFixed(1)),
  }),
)
