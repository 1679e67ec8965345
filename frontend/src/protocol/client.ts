// The Parley protocol client: one WebSocket carrying any number of rooms, with
// ticket authentication, reconnects with backoff, resume by seq, resend of unacked
// messages and de-duplication. It knows nothing about React: the UI reads
// `getSnapshot()` (an immutable value replaced on every change) and subscribes.
//
// Everything that touches the outside world (WebSocket, fetch, timers, clock,
// randomness, ids) is injectable so the behaviour can be tested deterministically.

import type { ChatMessage, ClientFrame, HistoryPage, Member, ServerFrame } from './types'

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline'

/** One of the user's own messages that the server has not acked yet. */
export interface OutgoingMessage {
  clientId: string
  room: string
  text: string
  status: 'sending' | 'failed'
  error?: string
}

/** An assistant reply being streamed (between assistant_start and its final message). */
export interface AssistantStream {
  turnId: string
  model?: string
  replyTo?: number
  queuePosition?: number
  text: string
  error?: { code: string; message: string }
}

/** Something shown only to this user in a room (command_result). */
export interface Notice {
  id: number
  command: string
  text: string
  /** The room's last seq when it arrived: the UI shows it after that message. */
  afterSeq: number
}

export interface RoomView {
  name: string
  /** A `joined` frame was received on the current connection. */
  joined: boolean
  /** Confirmed messages, ascending by seq, each seq and id once. */
  messages: readonly ChatMessage[]
  /** Own messages not acked yet, in the order they were written. */
  outgoing: readonly OutgoingMessage[]
  members: readonly Member[]
  /** Other users typing right now. */
  typing: readonly string[]
  streams: readonly AssistantStream[]
  notices: readonly Notice[]
  /** Older history exists that can be paged through REST (`loadOlder`). */
  hasOlder: boolean
  /** The last resume returned `recovered: false`: messages were missed and must be paged by REST. */
  missedHistory: boolean
  loadingOlder: boolean
  /** The server took this connection out of the room unasked (deleted, or no longer a member): not rejoined. */
  removed: boolean
}

export interface ClientError {
  id: number
  code: string
  message: string
  ref?: string
  retryAfterMs?: number
}

export interface ClientSnapshot {
  connection: ConnectionState
  /** When the next reconnect attempt is due (clock of `now`), while reconnecting. */
  nextRetryAt: number | null
  rooms: Readonly<Record<string, RoomView>>
  errors: readonly ClientError[]
}

export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}
export type WebSocketFactory = new (url: string) => WebSocketLike

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/**
 * Where the messages not acked yet are kept between page loads (e.g. localStorage), so a reload or a closed tab
 * while offline loses nothing: they are sent again, with their original clientId, when the client is back.
 */
export interface OutboxStore {
  load(): OutgoingMessage[]
  save(messages: OutgoingMessage[]): void
}

/** An OutboxStore in the browser's localStorage under `key` (one key per user). */
export function localOutbox(key: string, storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = localStorage): OutboxStore {
  return {
    load() {
      try {
        const stored = JSON.parse(storage.getItem(key) ?? '[]') as unknown
        return Array.isArray(stored)
          ? stored.filter(
              (o): o is OutgoingMessage =>
                typeof o?.clientId === 'string' && typeof o?.room === 'string' && typeof o?.text === 'string',
            )
          : []
      } catch {
        return []
      }
    },
    save(messages) {
      try {
        if (messages.length === 0) storage.removeItem(key)
        else storage.setItem(key, JSON.stringify(messages))
      } catch {
        // storage full or unavailable: the messages are still kept in memory
      }
    },
  }
}

export interface BackoffOptions {
  initialMs: number
  maxMs: number
  factor: number
}

export interface ParleyClientOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:8080` (REST under /api, WebSocket at /ws). */
  baseUrl: string
  /** The JWT, read before every request. */
  getToken: () => string | null
  /** The signed-in user's name: recognises own messages. */
  username: string
  WebSocket?: WebSocketFactory
  fetch?: typeof fetch
  timers?: Timers
  now?: () => number
  /** A number in [0, 1): the backoff jitter. */
  random?: () => number
  newId?: () => string
  backoff?: Partial<BackoffOptions>
  /** How often to ping; a connection silent for two intervals is dropped and reopened. */
  pingIntervalMs?: number
  /** Minimum interval between `typing: true` refreshes. */
  typingRefreshMs?: number
  /** A typing indicator not refreshed for this long is dropped locally. */
  typingExpiryMs?: number
  /** The token was refused (401): the user must sign in again. */
  onUnauthorized?: () => void
  /** Keeps unacked messages across page loads; without it they live as long as the client. */
  outbox?: OutboxStore
}

const OPEN = 1
const HISTORY_PAGE = 50
const MAX_ERRORS = 5

interface RoomState {
  name: string
  joined: boolean
  messages: ChatMessage[]
  ids: Set<number>
  outgoing: (OutgoingMessage & { sentOn: number })[]
  members: Member[]
  typing: Map<string, unknown> // user -> expiry timer
  streams: Map<string, AssistantStream>
  notices: Notice[]
  hasOlder: boolean
  missedHistory: boolean
  loadingOlder: boolean
  removed: boolean
  view: RoomView | null
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>),
}

/** A random id that works outside secure contexts too (crypto.randomUUID needs https or localhost). */
export function randomId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Binary search: the index where a message with `seq` belongs in an ascending list. */
function insertionIndex(messages: readonly ChatMessage[], seq: number): number {
  let lo = 0
  let hi = messages.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (messages[mid].seq < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}

export class ParleyClient {
  private readonly opts: ParleyClientOptions
  private readonly WS: WebSocketFactory
  private readonly fetchFn: typeof fetch
  private readonly timers: Timers
  private readonly now: () => number
  private readonly random: () => number
  private readonly newId: () => string
  private readonly backoff: BackoffOptions
  private readonly pingIntervalMs: number
  private readonly typingRefreshMs: number
  private readonly typingExpiryMs: number

  private started = false
  private ws: WebSocketLike | null = null
  /** Increases with every connection attempt; stale callbacks compare against it. */
  private connection = 0
  private attempt = 0
  private everOnline = false
  private reconnectTimer: unknown = null
  private heartbeat: unknown = null
  private lastReceived = 0

  private readonly rooms = new Map<string, RoomState>()
  /** Rooms to be in: joined on every (re)connect. */
  private readonly wanted = new Set<string>()
  private readonly typingSentAt = new Map<string, number>()
  private noticeSeq = 0
  private errorSeq = 0

  private snapshot: ClientSnapshot
  private readonly listeners = new Set<() => void>()
  /** This client's unacked messages as last saved, to write only on a change. */
  private savedOutbox = ''
  /** Every clientId this client has held: the stored entries it may drop. Others belong to other tabs. */
  private readonly outboxIds = new Set<string>()

  constructor(opts: ParleyClientOptions) {
    this.opts = opts
    this.WS = opts.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketFactory)
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.timers = opts.timers ?? defaultTimers
    this.now = opts.now ?? (() => Date.now())
    this.random = opts.random ?? Math.random
    this.newId = opts.newId ?? randomId
    this.backoff = { initialMs: 500, maxMs: 30_000, factor: 2, ...opts.backoff }
    this.pingIntervalMs = opts.pingIntervalMs ?? 25_000
    this.typingRefreshMs = opts.typingRefreshMs ?? 3_000
    this.typingExpiryMs = opts.typingExpiryMs ?? 8_000
    this.snapshot = { connection: 'offline', nextRetryAt: null, rooms: {}, errors: [] }
    this.restoreOutbox()
  }

  /** Messages left unacked by an earlier page: shown as they were, sent once their room is joined again. */
  private restoreOutbox(): void {
    const stored = this.opts.outbox?.load() ?? []
    for (const o of stored) {
      const r = this.room(o.room)
      if (r.outgoing.some((x) => x.clientId === o.clientId)) continue
      r.outgoing.push({ clientId: o.clientId, room: o.room, text: o.text, status: o.status === 'failed' ? 'failed' : 'sending', error: o.error, sentOn: 0 })
      this.wanted.add(o.room)
    }
    for (const r of this.rooms.values()) this.touch(r)
  }

  /**
   * Writes this client's unacked messages to the outbox store when they changed, keeping the entries of other
   * tabs of the same user (those this client never held): each tab drops only what it sent or discarded.
   */
  private saveOutbox(): void {
    const store = this.opts.outbox
    if (!store) return
    const mine: OutgoingMessage[] = []
    for (const r of this.rooms.values()) for (const { sentOn: _sentOn, ...o } of r.outgoing) mine.push(o)
    const json = JSON.stringify(mine)
    if (json === this.savedOutbox) return
    this.savedOutbox = json
    for (const o of mine) this.outboxIds.add(o.clientId)
    const others = store.load().filter((o) => !this.outboxIds.has(o.clientId))
    store.save([...others, ...mine])
  }

  // ---- observable state --------------------------------------------------------

  getSnapshot = (): ClientSnapshot => this.snapshot

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private update(patch: Partial<ClientSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch }
    for (const l of [...this.listeners]) l()
  }

  private touch(room: RoomState): void {
    this.saveOutbox()
    room.view = null
    const rooms: Record<string, RoomView> = { ...this.snapshot.rooms, [room.name]: this.viewOf(room) }
    this.update({ rooms })
  }

  private viewOf(r: RoomState): RoomView {
    if (!r.view) {
      r.view = {
        name: r.name,
        joined: r.joined,
        messages: [...r.messages],
        outgoing: r.outgoing.map(({ sentOn: _sentOn, ...o }) => o),
        members: [...r.members],
        typing: [...r.typing.keys()],
        streams: [...r.streams.values()].map((s) => ({ ...s })),
        notices: [...r.notices],
        hasOlder: r.hasOlder,
        missedHistory: r.missedHistory,
        removed: r.removed,
        loadingOlder: r.loadingOlder,
      }
    }
    return r.view
  }

  private pushError(e: Omit<ClientError, 'id'>): void {
    const errors = [...this.snapshot.errors, { ...e, id: ++this.errorSeq }].slice(-MAX_ERRORS)
    this.update({ errors })
  }

  dismissError(id: number): void {
    this.update({ errors: this.snapshot.errors.filter((e) => e.id !== id) })
  }

  // ---- lifecycle ---------------------------------------------------------------

  /** Connects, and keeps reconnecting until `stop()`. */
  start(): void {
    if (this.started) return
    this.started = true
    void this.connect()
  }

  /** Closes the connection and stops reconnecting. State is kept. */
  stop(): void {
    this.started = false
    this.connection++
    this.clearReconnectTimer()
    this.dropSocket(1000, 'bye')
    this.update({ connection: 'offline', nextRetryAt: null })
  }

  /** Skips the remaining backoff wait (e.g. when the browser comes back online). */
  reconnectNow(): void {
    if (!this.started || this.ws || this.reconnectTimer === null) return
    this.clearReconnectTimer()
    this.attempt = 0
    void this.connect()
  }

  /** The delay before reconnect attempt `n` (0-based): exponential, capped, with "equal jitter". */
  backoffDelay(n: number): number {
    const { initialMs, maxMs, factor } = this.backoff
    const cap = Math.min(maxMs, initialMs * Math.pow(factor, n))
    return cap / 2 + this.random() * (cap / 2)
  }

  private async connect(): Promise<void> {
    const id = ++this.connection
    this.update({ connection: this.everOnline ? 'reconnecting' : 'connecting', nextRetryAt: null })
    let ticket: string
    try {
      const res = await this.fetchFn(`${this.opts.baseUrl}/api/auth/ticket`, {
        method: 'POST',
        headers: this.authHeaders(),
      })
      if (res.status === 401) {
        if (id === this.connection) this.unauthorized()
        return
      }
      if (!res.ok) throw new Error(`ticket: HTTP ${res.status}`)
      ticket = ((await res.json()) as { ticket: string }).ticket
    } catch {
      if (id === this.connection && this.started) this.scheduleReconnect()
      return
    }
    if (id !== this.connection || !this.started) return

    const wsUrl = `${this.opts.baseUrl.replace(/^http/, 'ws')}/ws?ticket=${encodeURIComponent(ticket)}`
    let ws: WebSocketLike
    try {
      ws = new this.WS(wsUrl)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      if (ws !== this.ws) return
      this.everOnline = true
      this.lastReceived = this.now()
      this.startHeartbeat()
      this.update({ connection: 'online', nextRetryAt: null })
      for (const room of this.wanted) this.sendJoin(this.room(room))
    }
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return
      this.lastReceived = this.now()
      // The backoff starts over once the server talks to us (not merely on open, so that a
      // server that accepts and closes at once is not hammered).
      this.attempt = 0
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame
      } catch {
        return
      }
      this.handle(frame)
    }
    ws.onclose = () => {
      if (ws !== this.ws) return
      this.connectionLost()
    }
    ws.onerror = () => {
      // a close event follows
    }
  }

  private connectionLost(): void {
    this.dropSocket(4000, 'reconnect')
    if (this.started) this.scheduleReconnect()
  }

  private dropSocket(code: number, reason: string): void {
    const ws = this.ws
    this.ws = null
    this.stopHeartbeat()
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null
      try {
        ws.close(code, reason)
      } catch {
        // already closed
      }
    }
    this.typingSentAt.clear()
    for (const room of this.rooms.values()) {
      if (room.joined || room.typing.size) {
        room.joined = false
        this.clearTyping(room)
        this.touch(room)
      }
    }
  }

  private scheduleReconnect(): void {
    this.clearReconnectTimer()
    const delay = this.backoffDelay(this.attempt++)
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null
      void this.connect()
    }, delay)
    this.update({ connection: 'reconnecting', nextRetryAt: this.now() + delay })
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
  }

  private startHeartbeat(): void {
    this.stopHeartbeat()
    this.heartbeat = this.timers.setInterval(() => {
      if (this.now() - this.lastReceived > 2 * this.pingIntervalMs) {
        // No pong nor anything else: the connection is dead without having closed.
        this.connectionLost()
      } else {
        this.send({ type: 'ping' })
      }
    }, this.pingIntervalMs)
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) this.timers.clearInterval(this.heartbeat)
    this.heartbeat = null
  }

  private unauthorized(): void {
    this.started = false
    this.clearReconnectTimer()
    this.dropSocket(1000, 'unauthorized')
    this.update({ connection: 'offline', nextRetryAt: null })
    this.opts.onUnauthorized?.()
  }

  private authHeaders(): Record<string, string> {
    const token = this.opts.getToken()
    return token ? { Authorization: `Bearer ${token}` } : {}
  }

  private send(frame: ClientFrame): boolean {
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN) return false
    ws.send(JSON.stringify(frame))
    return true
  }

  private get online(): boolean {
    return this.ws !== null && this.ws.readyState === OPEN
  }

  // ---- rooms -------------------------------------------------------------------

  private room(name: string): RoomState {
    let r = this.rooms.get(name)
    if (!r) {
      r = {
        name,
        joined: false,
        messages: [],
        ids: new Set(),
        outgoing: [],
        members: [],
        typing: new Map(),
        streams: new Map(),
        notices: [],
        hasOlder: false,
        missedHistory: false,
        removed: false,
        loadingOlder: false,
        view: null,
      }
      this.rooms.set(name, r)
    }
    return r
  }

  /**
   * The seq to resume from: the last one up to which the room's messages are complete
   * (a message that arrived out of order past a missing one does not count).
   */
  resumeSeq(name: string): number | undefined {
    const msgs = this.rooms.get(name)?.messages
    if (!msgs || msgs.length === 0) return undefined
    for (let i = 0; i + 1 < msgs.length; i++) {
      if (msgs[i + 1].seq !== msgs[i].seq + 1) return msgs[i].seq
    }
    return msgs[msgs.length - 1].seq
  }

  private sendJoin(r: RoomState): void {
    const since = this.resumeSeq(r.name)
    this.send(since === undefined ? { type: 'join_room', room: r.name } : { type: 'join_room', room: r.name, since })
  }

  /** Joins a room (and rejoins it after every reconnect until `leave`). */
  join(name: string): void {
    const r = this.room(name)
    this.touch(r)
    if (this.wanted.has(name)) return
    this.wanted.add(name)
    if (this.online) this.sendJoin(r)
  }

  leave(name: string): void {
    if (!this.wanted.delete(name)) return
    this.send({ type: 'leave_room', room: name })
    const r = this.rooms.get(name)
    if (r) {
      r.joined = false
      this.clearTyping(r)
      this.touch(r)
    }
  }

  /** Inserts in seq order; returns false for a duplicate (same id, or a seq already held). */
  private insert(r: RoomState, m: ChatMessage): boolean {
    if (r.ids.has(m.id)) return false
    const i = insertionIndex(r.messages, m.seq)
    if (i < r.messages.length && r.messages[i].seq === m.seq) return false
    r.messages.splice(i, 0, m)
    r.ids.add(m.id)
    return true
  }

  private resetMessages(r: RoomState): void {
    r.messages = []
    r.ids = new Set()
  }

  /** A confirmed message of ours makes its outgoing entry (same clientId) redundant. */
  private settleOutgoing(r: RoomState, m: ChatMessage): void {
    if (m.sender !== this.opts.username || !m.clientId) return
    r.outgoing = r.outgoing.filter((o) => o.clientId !== m.clientId)
  }

  private flushOutgoing(r: RoomState): void {
    for (const o of r.outgoing) {
      if (o.status === 'sending' && o.sentOn !== this.connection) {
        if (this.send({ type: 'send_message', room: r.name, clientId: o.clientId, text: o.text })) o.sentOn = this.connection
      }
    }
  }

  // ---- frames ------------------------------------------------------------------

  private handle(f: ServerFrame): void {
    switch (f.type) {
      case 'joined':
        return this.onJoined(f)
      case 'message': {
        const { type: _type, ...m } = f
        return this.onMessage(m)
      }
      case 'ack':
        return this.onAck(f)
      case 'left': {
        const r = this.room(f.room)
        // A `left` we did not ask for (room deleted, membership withdrawn): joining again would fail, or
        // would create a new public room of the same name, so the room is not rejoined after reconnects.
        if (this.wanted.delete(f.room)) r.removed = true
        r.joined = false
        this.clearTyping(r)
        return this.touch(r)
      }
      case 'presence': {
        const r = this.room(f.room)
        const others = r.members.filter((m) => m.user !== f.user)
        r.members = [...others, { user: f.user, status: f.status }]
        if (f.status === 'offline') this.setTyping(r, f.user, false)
        return this.touch(r)
      }
      case 'typing': {
        if (f.user === this.opts.username) return
        const r = this.room(f.room)
        this.setTyping(r, f.user, f.typing)
        return this.touch(r)
      }
      case 'assistant_start': {
        // A start (re)starts the turn's text: after a join or a reconnect mid-turn the server sends the start
        // again followed by everything streamed so far, so what this client had before must not be kept.
        const r = this.room(f.room)
        r.streams.set(f.turnId, {
          turnId: f.turnId,
          model: f.model,
          replyTo: f.replyTo,
          queuePosition: f.queuePosition,
          text: '',
        })
        return this.touch(r)
      }
      case 'assistant_delta': {
        const r = this.room(f.room)
        const s = r.streams.get(f.turnId) ?? { turnId: f.turnId, text: '' }
        r.streams.set(f.turnId, { ...s, text: s.text + f.text, queuePosition: undefined })
        return this.touch(r)
      }
      case 'assistant_error': {
        const r = this.room(f.room)
        const s = r.streams.get(f.turnId) ?? { turnId: f.turnId, text: '' }
        r.streams.set(f.turnId, { ...s, error: { code: f.code, message: f.message } })
        return this.touch(r)
      }
      case 'command_result': {
        const r = this.room(f.room)
        // The answer settles the command we sent (the server may not ack commands it does not store).
        const cmd = `/${f.command.replace(/^\//, '')}`
        const sent = r.outgoing.find((o) => o.status === 'sending' && (o.text === cmd || o.text.startsWith(`${cmd} `)))
        if (sent) r.outgoing = r.outgoing.filter((o) => o !== sent)
        const afterSeq = r.messages.length ? r.messages[r.messages.length - 1].seq : 0
        r.notices = [...r.notices, { id: ++this.noticeSeq, command: f.command, text: f.text, afterSeq }]
        return this.touch(r)
      }
      case 'error':
        return this.onError(f)
      case 'pong':
        return
    }
  }

  private onJoined(f: Extract<ServerFrame, { type: 'joined' }>): void {
    const r = this.room(f.room)
    if (!this.wanted.has(f.room)) this.wanted.add(f.room)
    r.removed = false
    if (!f.recovered && r.messages.length > 0) {
      // More were missed than the server returns: keep its newest page; the rest is paged by REST.
      this.resetMessages(r)
      r.missedHistory = true
    }
    const incoming = [...f.messages].sort((a, b) => a.seq - b.seq)
    for (const m of incoming) {
      this.insert(r, m)
      this.settleOutgoing(r, m)
      if (m.kind === 'assistant' && m.turnId) r.streams.delete(m.turnId)
    }
    r.hasOlder = r.messages.length > 0 ? r.messages[0].seq > 1 : f.lastSeq > 0
    r.members = [...f.members]
    r.joined = true
    this.clearTyping(r)
    this.flushOutgoing(r)
    this.touch(r)
  }

  private onMessage(m: ChatMessage): void {
    const r = this.room(m.room)
    this.insert(r, m)
    this.settleOutgoing(r, m)
    if (m.kind === 'assistant' && m.turnId) r.streams.delete(m.turnId)
    this.setTyping(r, m.sender, false)
    this.touch(r)
  }

  private onAck(a: Extract<ServerFrame, { type: 'ack' }>): void {
    const r = this.room(a.room)
    const o = r.outgoing.find((x) => x.clientId === a.clientId)
    if (!o) return
    r.outgoing = r.outgoing.filter((x) => x !== o)
    // A command's ack has no message of ours to show (what it stores, if anything, is a
    // system message that arrives as its own frame); nor has an ack without a seq.
    if (a.seq > 0 && !o.text.startsWith('/')) this.insert(r, {
      room: a.room,
      id: a.id,
      seq: a.seq,
      clientId: a.clientId,
      sender: this.opts.username,
      kind: 'user',
      text: o.text,
      ts: a.ts,
    })
    this.touch(r)
  }

  private onError(e: Extract<ServerFrame, { type: 'error' }>): void {
    if (e.ref) {
      for (const r of this.rooms.values()) {
        const o = r.outgoing.find((x) => x.clientId === e.ref)
        if (o) {
          // shown on the message itself
          o.status = 'failed'
          o.error = e.message
          return this.touch(r)
        }
      }
    }
    this.pushError({ code: e.code, message: e.message, ref: e.ref, retryAfterMs: e.retryAfterMs })
  }

  private setTyping(r: RoomState, user: string, typing: boolean): void {
    const timer = r.typing.get(user)
    if (timer !== undefined) this.timers.clearTimeout(timer)
    if (!typing) {
      r.typing.delete(user)
      return
    }
    r.typing.set(
      user,
      this.timers.setTimeout(() => {
        r.typing.delete(user)
        this.touch(r)
      }, this.typingExpiryMs),
    )
  }

  private clearTyping(r: RoomState): void {
    for (const timer of r.typing.values()) this.timers.clearTimeout(timer)
    r.typing.clear()
  }

  // ---- user actions ------------------------------------------------------------

  /** Sends a message; it stays in `outgoing` until acked, and is resent after reconnects. Returns its clientId. */
  sendMessage(room: string, text: string): string {
    const r = this.room(room)
    const clientId = this.newId()
    r.outgoing.push({ clientId, room, text, status: 'sending', sentOn: 0 })
    this.stopTyping(room)
    if (r.joined) this.flushOutgoing(r)
    this.touch(r)
    return clientId
  }

  /** Sends a failed message again, with its original clientId (the server dedups). */
  retry(room: string, clientId: string): void {
    const r = this.room(room)
    const o = r.outgoing.find((x) => x.clientId === clientId)
    if (!o) return
    o.status = 'sending'
    o.error = undefined
    o.sentOn = 0
    if (r.joined) this.flushOutgoing(r)
    this.touch(r)
  }

  /** Forgets a failed message. */
  discard(room: string, clientId: string): void {
    const r = this.room(room)
    r.outgoing = r.outgoing.filter((x) => x.clientId !== clientId)
    this.touch(r)
  }

  /** Call on every keystroke: sends `typing: true`, refreshed at most every `typingRefreshMs`. */
  typing(room: string): void {
    const last = this.typingSentAt.get(room)
    if (last !== undefined && this.now() - last < this.typingRefreshMs) return
    if (this.rooms.get(room)?.joined && this.send({ type: 'typing', room, typing: true })) {
      this.typingSentAt.set(room, this.now())
    }
  }

  /** Sends `typing: false` if `typing: true` was sent. */
  stopTyping(room: string): void {
    if (!this.typingSentAt.delete(room)) return
    this.send({ type: 'typing', room, typing: false })
  }

  cancelTurn(room: string, turnId: string): void {
    this.send({ type: 'cancel_turn', room, turnId })
  }

  /** Removes a finished (errored) assistant turn from view. */
  dismissStream(room: string, turnId: string): void {
    const r = this.room(room)
    if (r.streams.delete(turnId)) this.touch(r)
  }

  dismissNotice(room: string, id: number): void {
    const r = this.room(room)
    r.notices = r.notices.filter((n) => n.id !== id)
    this.touch(r)
  }

  /** Pages back through history over REST (the page just below the oldest message held). */
  async loadOlder(room: string): Promise<void> {
    const r = this.room(room)
    if (r.loadingOlder) return
    r.loadingOlder = true
    this.touch(r)
    try {
      const params = new URLSearchParams({ limit: String(HISTORY_PAGE) })
      if (r.messages.length) params.set('before', String(r.messages[0].seq))
      const res = await this.fetchFn(
        `${this.opts.baseUrl}/api/rooms/${encodeURIComponent(room)}/messages?${params}`,
        { headers: this.authHeaders() },
      )
      if (res.status === 401) return this.unauthorized()
      if (!res.ok) throw new Error(`history: HTTP ${res.status}`)
      const page = (await res.json()) as HistoryPage
      for (const m of page.messages) this.insert(r, m)
      r.hasOlder = page.hasMore
      r.missedHistory = false
    } catch (e) {
      this.pushError({ code: 'history', message: `Could not load older messages (${(e as Error).message})` })
    } finally {
      r.loadingOlder = false
      this.touch(r)
    }
  }
}
