// Grows the ledger through the real import path, for bench/search.sh: builds xlsx files of generated devices next to
// the demo ones (positions jittered around real devices, names from real names) and imports them (valid rows only).
//   node ledger-load.mjs BASE_URL COUNT FIRST_SERIAL ROWS_PER_FILE
// Prints one JSON line per file: rows, seconds from upload to the finished job, created, rejected.
import { makeXlsx } from '../frontend/e2e/xlsx.mjs'

const [, , base, countText, firstText, perFileText] = process.argv
const count = Number(countText)
const first = Number(firstText)
const perFile = Number(perFileText ?? 50000)

async function signIn() {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
    body: JSON.stringify({ username: 'admin', password: 'Admin#2026' }),
  })
  if (!r.ok) throw new Error(`sign-in failed: ${r.status}`)
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

const cookie = await signIn()
const headers = { cookie, 'X-CityEye-Request': '1' }
const map = await (await fetch(`${base}/api/devices/map`, { headers })).json()
const names = (await (await fetch(`${base}/api/devices/search?pageSize=200&sort=name`, { headers })).json()).items.map((i) => i.name.split('_')[0])
const organisations = await (await fetch(`${base}/api/organisations`, { headers })).json()
const station = organisations.find((o) => o.name === '夏阳派出所').name
const header = ['国标编码', '设备名称', '键盘码', '设备类型', '设备状态', '管辖单位', '行政区划', 'IP 地址', '端口', '分辨率', '厂商', '型号', '经度', '纬度', '安装地址']
let seed = first
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)

for (let done = 0; done < count; done += perFile) {
  const rows = [header]
  for (let i = done; i < Math.min(count, done + perFile); i++) {
    const serial = first + i
    const at = Math.floor(random() * map.ids.length)
    const name = names[Math.floor(random() * names.length)]
    rows.push([
      `3101180100132${String(serial).padStart(7, '0')}`,
      `${name}${serial % 1000}号B${serial}_智能枪机`,
      `6${String(serial).padStart(7, '0')}`,
      '智能枪机',
      '在线',
      station,
      '夏阳街道',
      `10.${200 + Math.floor(serial / 65536)}.${Math.floor(serial / 256) % 256}.${serial % 256}`,
      '5060',
      '1920x1080',
      '海康威视',
      'DS-BENCH',
      (map.longitudes[at] + (random() - 0.5) * 0.0004).toFixed(6),
      (map.latitudes[at] + (random() - 0.5) * 0.0004).toFixed(6),
      `${name}${serial % 1000}号`,
    ])
  }
  const file = makeXlsx(rows)
  const form = new FormData()
  form.append('file', new Blob([file]), 'bench.xlsx')
  const started = performance.now()
  const upload = await fetch(`${base}/api/devices/import?mode=validRowsOnly`, { method: 'POST', headers, body: form })
  if (upload.status !== 202) throw new Error(`upload: HTTP ${upload.status} ${await upload.text()}`)
  const job = await upload.json()
  let status
  do {
    await new Promise((resolve) => setTimeout(resolve, 200))
    status = await (await fetch(`${base}/api/jobs/${job.id}`, { headers })).json()
  } while (status.status === 'queued' || status.status === 'running')
  const seconds = (performance.now() - started) / 1000
  const report = await (await fetch(`${base}/api/devices/imports/${job.id}`, { headers })).json()
  console.log(JSON.stringify({ rows: rows.length - 1, megabytes: +(file.length / 1048576).toFixed(1), seconds: +seconds.toFixed(2), created: report.created, rejected: report.rejected, status: status.status }))
}
