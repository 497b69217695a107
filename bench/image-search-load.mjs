// Search by an uploaded photo, end to end, for bench/image-search.sh. Node 20, no dependencies.
//   node image-search-load.mjs BASE_URL SECONDS CONCURRENCY PHOTO...
// Signs in as investigator and, from CONCURRENCY clients for SECONDS, uploads the photos in turn to
// POST /api/search/image (multipart: the photo, type=face, threshold 0.6; the node detects the faces, takes the
// largest, computes its vector and searches the index). Prints one JSON line: requests, errors, p50/p99/max ms, hits.
import { readFile } from 'node:fs/promises'
import path from 'node:path'

const [, , base, secondsText, concurrencyText, ...photos] = process.argv
const seconds = Number(secondsText)
const concurrency = Number(concurrencyText)
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
  body: JSON.stringify({ username: 'investigator', password: 'Investigator#2026' }),
})
if (!login.ok) throw new Error(`sign-in failed: ${login.status}`)
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
const images = await Promise.all(photos.map(async (p) => ({ name: path.basename(p), bytes: await readFile(p) })))

const latencies = []
let errors = 0
let hits = 0
let next = 0
const deadline = performance.now() + seconds * 1000
async function client() {
  while (performance.now() < deadline) {
    const image = images[next++ % images.length]
    const form = new FormData()
    form.append('image', new Blob([image.bytes], { type: 'image/jpeg' }), image.name)
    form.append('type', 'face')
    form.append('threshold', '0.6')
    const started = performance.now()
    const response = await fetch(`${base}/api/search/image`, { method: 'POST', headers: { cookie, 'X-CityEye-Request': '1' }, body: form })
    const body = await response.json().catch(() => null)
    latencies.push(performance.now() - started)
    if (!response.ok) {
      errors++
    } else {
      hits += body.items.length
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, client))
latencies.sort((a, b) => a - b)
const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))])
console.log(JSON.stringify({ requests: latencies.length, errors, p50: at(0.5), p99: at(0.99), max: Math.round(latencies.at(-1)), hitsPerSearch: Math.round(hits / Math.max(1, latencies.length - errors)) }))
