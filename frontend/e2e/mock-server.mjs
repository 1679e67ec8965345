// A throw-away stand-in for the Parley server, for developing the web client before
// (or without) the real one. It implements just enough of shared/SPEC.md for the UI and
// the e2e tests, in memory, with its state saved to MOCK_STATE (if set) so that a
// "restart" can be simulated. It is NOT the server and is not used by `npm run e2e`
// unless PARLEY_URL points at it.
//
//   node e2e/mock-server.mjs            # serves dist/ and the API on :8080 (PORT)
//   MOCK_STATE=/tmp/parley-mock.json node e2e/mock-server.mjs

import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const PORT = Number(process.env.PORT ?? 8080)
const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const STATE = process.env.MOCK_STATE

// ---- state -------------------------------------------------------------------------
let db = { users: {}, rooms: {} } // rooms: name -> { info, messages: [] }
if (STATE && existsSync(STATE)) db = JSON.parse(readFileSync(STATE, 'utf8'))
const save = () => STATE && writeFileSync(STATE, JSON.stringify(db))
const tickets = new Map()
const conns = new Set() // { user, rooms:Set, send }
let nextId = Object.values(db.rooms).reduce((n, r) => n + r.messages.length, 0) + 1

const now = () => new Date().toISOString()
const userOf = (req) => {
  const m = /^Bearer tok\.(.+)$/.exec(req.headers.authorization ?? '')
  return m && db.users[m[1]] ? m[1] : null
}
const room = (name, owner) => {
  if (!db.rooms[name]) {
    db.rooms[name] = { info: { name, description: '', tags: [], private: false, assistant: 'mention', model: null, owner, members: [] }, messages: [] }
  }
  return db.rooms[name]
}
const online = (name) => new Set([...conns].filter((c) => c.rooms.has(name)).map((c) => c.user))
const broadcast = (name, frame, except) => {
  for (const c of conns) if (c.rooms.has(name) && c !== except) c.send(frame)
}
const store = (name, msg) => {
  const r = room(name)
  const m = { room: name, id: nextId++, seq: r.messages.length + 1, ts: now(), ...msg }
  r.messages.push(m)
  save()
  return m
}

// ---- REST ----------------------------------------------------------------------------
function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(body === undefined ? '' : JSON.stringify(body))
}
const readBody = (req) =>
  new Promise((resolve) => {
    let s = ''
    req.on('data', (d) => (s += d))
    req.on('end', () => resolve(s ? JSON.parse(s) : {}))
  })

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  const p = url.pathname
  if (p === '/api/auth/register' || p === '/api/auth/login') {
    const { username, password } = await readBody(req)
    if (p.endsWith('register')) {
      if (!/^[A-Za-z0-9_.-]{3,32}$/.test(username ?? '') || (password ?? '').length < 8)
        return json(res, 400, { error: 'invalid username or password', code: 'bad_request' })
      if (db.users[username]) return json(res, 409, { error: 'username taken', code: 'conflict' })
      db.users[username] = password
      save()
    } else if (db.users[username] !== password) {
      return json(res, 401, { error: 'invalid credentials', code: 'unauthorized' })
    }
    const expiresAt = new Date(Date.now() + 12 * 3600e3).toISOString()
    return json(res, p.endsWith('register') ? 201 : 200, { token: `tok.${username}`, expiresAt, user: { username, roles: ['user'] } })
  }
  if (p.startsWith('/api/')) {
    const user = userOf(req)
    if (!user) return json(res, 401, { error: 'unauthorized', code: 'unauthorized' })
    if (p === '/api/auth/ticket' && req.method === 'POST') {
      const ticket = randomBytes(12).toString('hex')
      tickets.set(ticket, user)
      return json(res, 200, { ticket, expiresAt: new Date(Date.now() + 30e3).toISOString() })
    }
    if (p === '/api/rooms' && req.method === 'GET') {
      const visible = Object.values(db.rooms).filter((r) => !r.info.private || r.info.owner === user || r.info.members.includes(user))
      return json(res, 200, visible.map((r) => ({ ...r.info, lastSeq: r.messages.length, online: online(r.info.name).size })))
    }
    if (p === '/api/rooms' && req.method === 'POST') {
      const b = await readBody(req)
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(b.name ?? '')) return json(res, 400, { error: 'bad room name', code: 'bad_request' })
      if (db.rooms[b.name]) return json(res, 409, { error: 'room exists', code: 'conflict' })
      const r = room(b.name, user)
      Object.assign(r.info, { description: b.description ?? '', tags: b.tags ?? [], private: !!b.private, assistant: b.assistant ?? 'mention', members: b.members ?? [] })
      save()
      return json(res, 201, r.info)
    }
    if (p === '/api/llm/models') {
      return json(res, 200, { default: 'ollama/llama3.2', models: [{ id: 'ollama/llama3.2', provider: 'ollama', available: true }, { id: 'openai/gpt-4o-mini', provider: 'openai', available: false }] })
    }
    let m = /^\/api\/rooms\/([^/]+)\/messages$/.exec(p)
    if (m && db.rooms[m[1]]) {
      const all = db.rooms[m[1]].messages
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 200)
      const before = url.searchParams.get('before')
      const below = before ? all.filter((x) => x.seq < Number(before)) : all
      const page = below.slice(-limit)
      return json(res, 200, { messages: page, hasMore: below.length > page.length })
    }
    m = /^\/api\/rooms\/([^/]+)\/export$/.exec(p)
    if (m && db.rooms[m[1]]) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      return res.end(db.rooms[m[1]].messages.map((x) => JSON.stringify(x)).join('\n') + '\n')
    }
    return json(res, 404, { error: 'not found', code: 'not_found' })
  }
  // static files, index.html for everything else
  let file = normalize(join(DIST, p === '/' ? 'index.html' : p))
  if (!file.startsWith(DIST) || !existsSync(file)) file = join(DIST, 'index.html')
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
  res.end(readFileSync(file))
})

// ---- WebSocket (RFC 6455, text frames only) ---------------------------------------------
server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://x')
  const user = tickets.get(url.searchParams.get('ticket'))
  tickets.delete(url.searchParams.get('ticket'))
  if (url.pathname !== '/ws' || !user) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n')
    return
  }
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
  const conn = {
    user,
    rooms: new Set(),
    send(frame) {
      const data = Buffer.from(JSON.stringify(frame))
      const len = data.length
      const head = len < 126 ? Buffer.from([0x81, len]) : len < 65536 ? Buffer.from([0x81, 126, len >> 8, len & 255]) : null
      if (!head) return
      if (!socket.destroyed) socket.write(Buffer.concat([head, data]))
    },
  }
  conns.add(conn)
  let buf = Buffer.alloc(0)
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk])
    while (buf.length >= 2) {
      const op = buf[0] & 15
      let len = buf[1] & 127
      let off = 2
      if (len === 126) {
        if (buf.length < 4) return
        len = buf.readUInt16BE(2)
        off = 4
      } else if (len === 127) return socket.destroy()
      if (buf.length < off + 4 + len) return
      const mask = buf.subarray(off, off + 4)
      const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len).map((b, i) => b ^ mask[i % 4]))
      buf = buf.subarray(off + 4 + len)
      if (op === 8) return socket.end(Buffer.from([0x88, 0]))
      if (op === 1) onFrame(conn, JSON.parse(payload.toString()))
    }
  })
  const gone = () => {
    if (!conns.delete(conn)) return
    for (const r of conn.rooms) if (!online(r).has(user)) broadcast(r, { type: 'presence', room: r, user, status: 'offline' })
  }
  socket.on('close', gone)
  socket.on('error', gone)
})

function onFrame(conn, f) {
  const { user } = conn
  switch (f.type) {
    case 'ping':
      return conn.send({ type: 'pong' })
    case 'join_room': {
      const r = room(f.room, user)
      const wasOnline = online(f.room).has(user)
      conn.rooms.add(f.room)
      if (!r.info.members.includes(user)) r.info.members.push(user)
      const on = online(f.room)
      const members = r.info.members.map((u) => ({ user: u, status: on.has(u) ? 'online' : 'offline' }))
      const since = f.since ?? null
      let messages = since === null ? r.messages.slice(-50) : r.messages.filter((m) => m.seq > since)
      const recovered = messages.length <= 500
      messages = messages.slice(-500)
      conn.send({ type: 'joined', room: f.room, members, messages, lastSeq: r.messages.length, recovered })
      if (!wasOnline) broadcast(f.room, { type: 'presence', room: f.room, user, status: 'online' }, conn)
      return
    }
    case 'leave_room':
      conn.rooms.delete(f.room)
      conn.send({ type: 'left', room: f.room })
      if (!online(f.room).has(user)) broadcast(f.room, { type: 'presence', room: f.room, user, status: 'offline' })
      return
    case 'typing':
      return broadcast(f.room, { type: 'typing', room: f.room, user, typing: !!f.typing }, conn)
    case 'send_message': {
      if (!conn.rooms.has(f.room)) return conn.send({ type: 'error', code: 'not_joined', message: 'join the room first', ref: f.clientId })
      if (f.text.length > 4000) return conn.send({ type: 'error', code: 'too_large', message: 'message too long', ref: f.clientId })
      const r = room(f.room)
      const dup = r.messages.find((m) => m.sender === user && m.clientId === f.clientId)
      if (dup) return conn.send({ type: 'ack', room: f.room, clientId: f.clientId, id: dup.id, seq: dup.seq, ts: dup.ts, duplicate: true })
      if (f.text.startsWith('/who') || f.text.startsWith('/help')) {
        const text = f.text.startsWith('/who') ? [...online(f.room)].join(', ') : '/help /models /model <id> /clear /who'
        return conn.send({ type: 'command_result', room: f.room, command: f.text.slice(1).split(' ')[0], text })
      }
      const m = store(f.room, { clientId: f.clientId, sender: user, kind: 'user', text: f.text })
      conn.send({ type: 'ack', room: f.room, clientId: f.clientId, id: m.id, seq: m.seq, ts: m.ts, duplicate: false })
      broadcast(f.room, { type: 'typing', room: f.room, user, typing: false }, conn)
      broadcast(f.room, { type: 'message', ...m })
      if (f.text.includes('@assistant')) assistant(f.room, m.seq)
      return
    }
    default:
      return conn.send({ type: 'error', code: 'unknown_type', message: `unknown type ${f.type}`, ref: f.type })
  }
}

function assistant(name, replyTo) {
  const turnId = randomBytes(6).toString('hex')
  const model = 'ollama/llama3.2'
  const pieces = ['Hello', ' from', ' the **mock**', ' assistant.']
  broadcast(name, { type: 'assistant_start', room: name, turnId, replyTo, model })
  pieces.forEach((text, i) =>
    setTimeout(() => {
      broadcast(name, { type: 'assistant_delta', room: name, turnId, text })
      if (i === pieces.length - 1) {
        const m = store(name, { sender: 'assistant', kind: 'assistant', text: pieces.join(''), model, turnId, cached: false, usage: { inputTokens: 10, outputTokens: 4 } })
        broadcast(name, { type: 'message', ...m })
      }
    }, 150 * (i + 1)),
  )
}

server.listen(PORT, '127.0.0.1', () => console.log(`mock parley on http://127.0.0.1:${PORT}`))
