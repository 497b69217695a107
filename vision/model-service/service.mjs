// CityEye model service: the TensorFlow.js models shipped inside the npm package @vladmandic/human (MIT; see
// README.md for each model's origin and licence) run on the WebAssembly backend, read from disk only.
//   POST /detect      image/jpeg or image/png -> { faces: [{ box, score, embedding[1024], gender, genderScore, age }],
//                                                 objects: [{ label, box, score }], width, height, ms }
//   POST /embed-face  a face crop             -> { embedding[1024], gender, genderScore, age, score, source, ms }
//   GET  /health                              -> { ok, backend, human, startupMs, rssMB, models }
// Environment: PORT (8787), HOST (127.0.0.1), MAX_SIDE (2048: larger photos are shrunk before inference).
// CityEye starts and supervises this process (Vision:ModelService*); it never fetches anything over the network.
import http from 'node:http'
import fs from 'node:fs/promises'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL, fileURLToPath } from 'node:url'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'

const started = performance.now()
const require = createRequire(import.meta.url)
// The package's main file needs tfjs-node (a native download); its WebAssembly build sits beside it and cannot be
// imported by name (the package's "exports" lack "./"), so it is loaded by path.
const humanDist = path.dirname(require.resolve('@vladmandic/human'))
const { Human } = require(path.join(humanDist, 'human.node-wasm.js'))
const modelDir = path.join(humanDist, '..', 'models')
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep

// Models come from disk: tfjs fetches `${modelBasePath}x.json` and its weight shards through the global fetch, which
// in Node refuses file://. Serve file:// from the disk and refuse every other URL, so nothing is ever downloaded.
globalThis.fetch = async (url) => {
  const u = String(url?.url ?? url)
  if (!u.startsWith('file://')) throw new Error(`network fetch disabled: ${u}`)
  const body = await fs.readFile(fileURLToPath(u))
  return new Response(body, { status: 200, headers: { 'content-type': u.endsWith('.json') ? 'application/json' : 'application/octet-stream' } })
}

const human = new Human({
  backend: 'wasm',
  wasmPath: wasmDir,
  modelBasePath: pathToFileURL(modelDir).href + '/',
  cacheModels: false,
  warmup: 'none',
  debug: false,
  // Single photos, not a video stream: never reuse the previous call's results.
  cacheSensitivity: 0,
  skipAllowed: false,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { modelPath: 'blazeface.json', maxDetected: 50, minConfidence: 0.3, rotation: false, return: false },
    mesh: { enabled: false },
    iris: { enabled: false },
    attention: { enabled: false },
    emotion: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    description: { enabled: true, modelPath: 'faceres.json', minConfidence: 0.1 },
  },
  body: { enabled: false },
  hand: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
  object: { enabled: true, modelPath: 'centernet.json', minConfidence: 0.3, iouThreshold: 0.4, maxDetected: 50 },
})
const tf = human.tf
await human.init()
await human.load()
const startupMs = Math.round(performance.now() - started)
const KEEP = new Set(['person', 'car', 'bus', 'truck', 'motorcycle', 'bicycle'])
const MAX_SIDE = Number(process.env.MAX_SIDE || 2048)

/** Decodes JPEG or PNG into a [h, w, 3] tensor, box-shrunk by an integer factor k when larger than MAX_SIDE. */
function decode(buffer) {
  let width, height, data, channels
  if (buffer[0] === 0xff && buffer[1] === 0xd8) {
    ;({ width, height, data } = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 50, maxMemoryUsageInMB: 1024 }))
    channels = 3
  } else if (buffer.length > 8 && buffer.subarray(1, 4).toString() === 'PNG') {
    ;({ width, height, data } = PNG.sync.read(buffer))
    channels = 4
  } else {
    throw Object.assign(new Error('unsupported image: need JPEG or PNG'), { status: 415 })
  }
  const k = Math.max(1, Math.ceil(Math.max(width, height) / MAX_SIDE))
  const w = Math.floor(width / k)
  const h = Math.floor(height / k)
  const out = new Float32Array(w * h * 3)
  const n = k * k
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0
      let g = 0
      let b = 0
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) {
          const i = channels * ((y * k + dy) * width + x * k + dx)
          r += data[i]
          g += data[i + 1]
          b += data[i + 2]
        }
      }
      const o = 3 * (y * w + x)
      out[o] = r / n
      out[o + 1] = g / n
      out[o + 2] = b / n
    }
  }
  return { input: tf.tensor3d(out, [h, w, 3], 'float32'), k, width, height }
}

const box = ([x, y, width, height], k = 1) => ({ x: Math.round(x * k), y: Math.round(y * k), width: Math.round(width * k), height: Math.round(height * k) })
const round3 = (n) => Math.round((n ?? 0) * 1000) / 1000

async function detect(buffer) {
  const t = performance.now()
  const { input, k, width, height } = decode(buffer)
  try {
    // detect(input, config) merges config into the instance for good: state every switch each time.
    const result = await human.detect(input, { face: { enabled: true }, object: { enabled: true } })
    return {
      width,
      height,
      faces: result.face.map((f) => ({ box: box(f.box, k), score: round3(f.score), embedding: f.embedding ?? [], gender: f.gender, genderScore: round3(f.genderScore), age: round3(f.age) })),
      objects: result.object.filter((o) => KEEP.has(o.label)).map((o) => ({ label: o.label, box: box(o.box, k), score: round3(o.score) })),
      ms: Math.round(performance.now() - t),
    }
  } finally {
    tf.dispose(input)
  }
}

async function embedFace(buffer) {
  const t = performance.now()
  const { input } = decode(buffer)
  try {
    const result = await human.detect(input, { face: { enabled: true }, object: { enabled: false } })
    let face = result.face.filter((f) => f.embedding?.length).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0]
    let source = 'detected'
    if (!face) {
      // No face found inside the crop (tight or blurred): describe the whole crop.
      source = 'whole-crop'
      face = describeWhole(input)
    }
    return { embedding: face.embedding, gender: face.gender, genderScore: round3(face.genderScore), age: round3(face.age), score: round3(face.score), source, ms: Math.round(performance.now() - t) }
  } finally {
    tf.dispose(input)
  }
}

/** faceres on the whole crop: input [1, 224, 224, 3] in 0..255; outputs gender [1,1], age [1,100], descriptor [1,1024]. */
function describeWhole(input) {
  const model = human.models.models.faceres
  const outputs = tf.tidy(() => model.execute(tf.image.resizeBilinear(tf.expandDims(input, 0), [model.inputs[0].shape[1], model.inputs[0].shape[2]])))
  const [gender, age, descriptor] = [1, 100, 1024].map((n) => outputs.find((o) => o.shape[1] === n).dataSync())
  tf.dispose(outputs)
  const i = age.indexOf(Math.max(...age))
  const ageValue = age[i - 1] > age[i + 1] ? 10 * i - 100 * age[i - 1] : 10 * i + 100 * (age[i + 1] ?? 0)
  return {
    embedding: Array.from(descriptor),
    gender: gender[0] <= 0.5 ? 'female' : 'male',
    genderScore: Math.min(0.99, Math.trunc(200 * Math.abs(gender[0] - 0.5)) / 100),
    age: Math.round(ageValue) / 10,
    score: 0,
  }
}

const readBody = (request, limit = 30 * 1024 * 1024) =>
  new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    request.on('data', (chunk) => {
      size += chunk.length
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { status: 413 }))
        request.destroy()
      } else {
        chunks.push(chunk)
      }
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })

const send = (response, status, body) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}

// One inference at a time: the Human instance keeps state between calls.
let queue = Promise.resolve()
const serial = (work) => (queue = queue.then(work, work))

const server = http.createServer(async (request, response) => {
  try {
    const url = new URL(request.url, 'http://localhost')
    if (request.method === 'GET' && url.pathname === '/health') {
      return send(response, 200, { ok: true, backend: tf.getBackend(), tfjs: tf.version_core, human: human.version, startupMs, rssMB: Math.round(process.memoryUsage().rss / 1048576), models: human.models.stats().numLoadedModels })
    }
    if (request.method === 'POST' && (url.pathname === '/detect' || url.pathname === '/embed-face')) {
      if (!/^image\//.test(request.headers['content-type'] || '')) return send(response, 415, { error: 'Content-Type must be image/*' })
      const body = await readBody(request)
      return send(response, 200, await serial(() => (url.pathname === '/detect' ? detect(body) : embedFace(body))))
    }
    send(response, 404, { error: 'not found' })
  } catch (error) {
    send(response, error.status || 500, { error: String(error.message || error) })
  }
})
server.keepAliveTimeout = 65000

// Ends with the process that started it: CityEye keeps our stdin open and passes its process id; when it dies (even
// by SIGKILL) the pipe closes or the id stops answering, and this service exits instead of lingering.
if (process.env.CITYEYE_PARENT_PID) {
  const parent = Number(process.env.CITYEYE_PARENT_PID)
  process.stdin.on('end', () => process.exit(0))
  process.stdin.on('error', () => process.exit(0))
  process.stdin.resume()
  setInterval(() => {
    try {
      process.kill(parent, 0)
    } catch {
      process.exit(0)
    }
  }, 2000).unref()
}
server.listen(Number(process.env.PORT || 8787), process.env.HOST || '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: server.address(), startupMs, backend: tf.getBackend() }))
})
