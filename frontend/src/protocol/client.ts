// The Parley protocol client: one WebSocket carrying any number of rooms, with ticket authentication,
// reconnects with backoff, resume by seq and epoch, resend of unacked messages and de-duplication. It knows
// nothing about React: the UI reads `getSnapshot()` (an immutable value replaced on every change) and
// subscribes.
//
// The parts, one concern each: `connection` (socket, ticket, backoff, close codes, heartbeat), `rest` (ticket
// and history requests), `outbox` (unacked messages and their store), `room` (messages held per room),
// `typing`, `streams` (assistant replies). This file wires them together, handles the server's frames and
// publishes the snapshot. Everything that touches the outside world (WebSocket, fetch, timers, clock,
// randomness, ids) is injectable so the behaviour can be tested deterministically.

import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff'
import { Connection } from './connection'
import { Outbox, type OutboxStore, type OutgoingMessage } from './outbox'
import { defaultTimers, randomId, type Timers, type WebSocketFactory } from './ports'
import { rest, Unauthorized, type Rest } from './rest'
import { clearMessages, insertMessage, lastSeq, newRoom, resumeSeq, type RoomState } from './room'
import { appended, failed, started } from './streams'
import { OwnTyping, TypingIndicators } from './typing'
import type { ClientError, ClientSnapshot, RoomView } from './snapshot'
import type { ChatMessage, ClientFrame, ServerFrame } from './types'

export type { BackoffOptions } from './backoff'
export type { ConnectionState } from './connection'
export { localOutbox, type OutboxStore, type OutgoingMessage } from './outbox'
export { randomId, type Timers, type WebSocketFactory, type WebSocketLike } from './ports'
export type { Notice } from './room'
export type { ClientError, ClientSnapshot, RoomView } from './snapshot'
export type { AssistantStream } from './streams'

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
  /** After close code 1012 (the node restarts) the reconnect waits a random delay below this. */
  restartJitterMs?: number
  /** Minimum interval between `typing: true` refreshes. */
  typingRefreshMs?: number
  /** A typing indicator not refreshed for this long is dropped locally. */
  typingExpiryMs?: number
  /** The token was refused (401): the user must sign in again. */
  onUnauthorized?: () => void
  /** Keeps unacked messages across page loads; without it they live as long as the client. */
  outbox?: OutboxStore
}

const HISTORY_PAGE = 50
const MAX_ERRORS = 5

export class ParleyClient {
  private readonly username: string
  private readonly newId: () => string
  private readonly rest: Rest
  private readonly connection: Connection
  private readonly outbox: Outbox
  private readonly typingOf: TypingIndicators
  private readonly ownTyping: OwnTyping

  private readonly rooms = new Map<string, RoomState>()
  /** Rooms to be in: joined on every (re)connect. */
  private readonly wanted = new Set<string>()
  private noticeSeq = 0
  private errorSeq = 0

  private snapshot: ClientSnapshot = { connection: 'offline', nextRetryAt: null, rooms: {}, errors: [] }
  private readonly listeners = new Set<() => void>()

  constructor(opts: ParleyClientOptions) {
    this.username = opts.username
    this.newId = opts.newId ?? randomId
    const timers = opts.timers ?? defaultTimers
    const now = opts.now ?? (() => Date.now())
    this.rest = rest(opts.baseUrl, opts.getToken, opts.fetch ?? ((input, init) => globalThis.fetch(input, init)))
    this.connection = new Connection(
      {
        baseUrl: opts.baseUrl,
        rest: this.rest,
        WebSocket: opts.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketFactory),
        timers,
        now,
        random: opts.random ?? Math.random,
        backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
        pingIntervalMs: opts.pingIntervalMs ?? 25_000,
        restartJitterMs: opts.restartJitterMs ?? 2_000,
      },
      {
        state: (connection, nextRetryAt) => this.update({ connection, nextRetryAt }),
        opened: () => {
          for (const room of this.wanted) this.sendJoin(this.room(room))
        },
        frame: (f) => this.handle(f),
        closed: () => this.connectionClosed(),
        unauthorized: () => opts.onUnauthorized?.(),
      },
    )
    this.typingOf = new TypingIndicators(timers, opts.typingExpiryMs ?? 8_000, (room) => this.touch(this.room(room)))
    this.ownTyping = new OwnTyping(now, opts.typingRefreshMs ?? 3_000)
    this.outbox = new Outbox(opts.outbox)
    // Messages left unacked by an earlier page: shown as they were, sent once their room is joined again.
    for (const room of this.outbox.restore()) {
      this.wanted.add(room)
      this.touch(this.room(room))
    }
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

  /** Publishes `room` as it is now (and stores the outbox if it changed). */
  private touch(r: RoomState): void {
    this.outbox.save()
    this.update({ rooms: { ...this.snapshot.rooms, [r.name]: this.viewOf(r) } })
  }

  private viewOf(r: RoomState): RoomView {
    return {
      name: r.name,
      joined: r.joined,
      messages: [...r.messages],
      outgoing: this.outbox.forRoom(r.name),
      members: [...r.members],
      typing: this.typingOf.users(r.name),
      streams: [...r.streams.values()],
      notices: [...r.notices],
      hasOlder: r.hasOlder,
      missedHistory: r.missedHistory,
      removed: r.removed,
      loadingOlder: r.loadingOlder,
    }
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
    this.connection.start()
  }

  /** Closes the connection and stops reconnecting. State is kept. */
  stop(): void {
    this.connection.stop()
  }

  /** Skips the remaining backoff wait (e.g. when the browser comes back online). */
  reconnectNow(): void {
    this.connection.reconnectNow()
  }

  /** The delay before reconnect attempt `n` (0-based): exponential, capped, with "equal jitter". */
  backoffDelay(n: number): number {
    return this.connection.backoffDelay(n)
  }

  private send(frame: ClientFrame): boolean {
    return this.connection.send(frame)
  }

  private connectionClosed(): void {
    this.ownTyping.reset()
    for (const r of this.rooms.values()) {
      const hadTyping = this.typingOf.clear(r.name)
      if (r.joined || hadTyping) {
        r.joined = false
        this.touch(r)
      }
    }
  }

  // ---- rooms -------------------------------------------------------------------

  private room(name: string): RoomState {
    let r = this.rooms.get(name)
    if (!r) {
      r = newRoom(name)
      this.rooms.set(name, r)
    }
    return r
  }

  /** The seq to resume `name` from: the last one up to which its messages are complete. */
  resumeSeq(name: string): number | undefined {
    return resumeSeq(this.rooms.get(name))
  }

  /** Joins with the last seq held and the epoch it belongs to, so the server resumes (or says the room is new). */
  private sendJoin(r: RoomState): void {
    const frame: Extract<ClientFrame, { type: 'join_room' }> = { type: 'join_room', room: r.name }
    const since = resumeSeq(r)
    if (since !== undefined) frame.since = since
    if (r.epoch !== undefined) frame.epoch = r.epoch
    this.send(frame)
  }

  /** Joins a room (and rejoins it after every reconnect until `leave`). */
  join(name: string): void {
    const r = this.room(name)
    this.touch(r)
    if (this.wanted.has(name)) return
    this.wanted.add(name)
    if (this.connection.online) this.sendJoin(r)
  }

  leave(name: string): void {
    if (!this.wanted.delete(name)) return
    this.send({ type: 'leave_room', room: name })
    const r = this.rooms.get(name)
    if (r) {
      r.joined = false
      this.typingOf.clear(name)
      this.touch(r)
    }
  }

  /** A confirmed message of ours makes its outgoing entry (same clientId) redundant. */
  private settleOutgoing(m: ChatMessage): void {
    if (m.sender === this.username && m.clientId) this.outbox.remove(m.clientId)
  }

  private flushOutgoing(r: RoomState): void {
    this.outbox.flush(r.name, this.connection.id, (o) =>
      this.send({ type: 'send_message', room: o.room, clientId: o.clientId, text: o.text }),
    )
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
        this.typingOf.clear(f.room)
        return this.touch(r)
      }
      case 'presence': {
        const r = this.room(f.room)
        const others = r.members.filter((m) => m.user !== f.user)
        r.members = [...others, { user: f.user, status: f.status }]
        if (f.status === 'offline') this.typingOf.set(f.room, f.user, false)
        return this.touch(r)
      }
      case 'typing': {
        if (f.user === this.username) return
        this.typingOf.set(f.room, f.user, f.typing)
        return this.touch(this.room(f.room))
      }
      case 'assistant_start': {
        const r = this.room(f.room)
        r.streams.set(f.turnId, started(f))
        return this.touch(r)
      }
      case 'assistant_delta': {
        const r = this.room(f.room)
        r.streams.set(f.turnId, appended(r.streams.get(f.turnId), f))
        return this.touch(r)
      }
      case 'assistant_error': {
        const r = this.room(f.room)
        r.streams.set(f.turnId, failed(r.streams.get(f.turnId), f))
        return this.touch(r)
      }
      case 'command_result': {
        const r = this.room(f.room)
        // The answer settles the command that carried it (the server may not ack commands it does not store).
        if (f.clientId) this.outbox.remove(f.clientId)
        r.notices = [...r.notices, { id: ++this.noticeSeq, command: f.command, text: f.text, afterSeq: lastSeq(r) }]
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
    this.wanted.add(f.room)
    r.removed = false
    if (f.epoch !== undefined) this.enterEpoch(r, f.epoch)
    if (!f.recovered && r.messages.length > 0) {
      // More were missed than the server returns: keep its newest page; the rest is paged by REST.
      clearMessages(r)
      r.missedHistory = true
    }
    const incoming = [...f.messages].sort((a, b) => a.seq - b.seq)
    for (const m of incoming) {
      insertMessage(r, m)
      this.settleOutgoing(m)
      if (m.kind === 'assistant' && m.turnId) r.streams.delete(m.turnId)
    }
    r.hasOlder = r.messages.length > 0 ? r.messages[0].seq > 1 : f.lastSeq > 0
    r.members = [...f.members]
    r.joined = true
    this.typingOf.clear(r.name)
    this.flushOutgoing(r)
    this.touch(r)
  }

  /**
   * The room as `joined` describes it has `epoch`. Another epoch than the one held means the room was deleted
   * and created again under the same name (SPEC §2 "Room epoch"): what was held belongs to the old room and is
   * dropped, and so are the messages queued for it, which must not land in the new room. The user is told.
   */
  private enterEpoch(r: RoomState, epoch: number): void {
    if (r.epoch !== undefined && r.epoch !== epoch) {
      clearMessages(r)
      r.streams.clear()
      r.notices = []
      r.missedHistory = false
    }
    r.epoch = epoch
    const dropped = this.outbox.removeWhere(r.name, (o) => o.epoch !== undefined && o.epoch !== epoch)
    for (const o of this.outbox.forRoom(r.name)) if (o.epoch === undefined) this.outbox.update(o.clientId, { epoch })
    if (dropped.length > 0) {
      this.pushError({
        code: 'room_replaced',
        message: `#${r.name} was deleted and created again: ${dropped.length} unsent message${dropped.length === 1 ? ' was' : 's were'} not sent into the new room.`,
      })
    }
  }

  private onMessage(m: ChatMessage): void {
    const r = this.room(m.room)
    insertMessage(r, m)
    this.settleOutgoing(m)
    if (m.kind === 'assistant' && m.turnId) r.streams.delete(m.turnId)
    this.typingOf.set(m.room, m.sender, false)
    this.touch(r)
  }

  private onAck(a: Extract<ServerFrame, { type: 'ack' }>): void {
    const o = this.outbox.remove(a.clientId)
    if (!o) return
    const r = this.room(a.room)
    // A command's ack has no message of ours to show (what it stores, if anything, is a
    // system message that arrives as its own frame); nor has an ack without a seq.
    if (a.seq > 0 && !o.text.startsWith('/')) {
      insertMessage(r, {
        room: a.room,
        id: a.id,
        seq: a.seq,
        clientId: a.clientId,
        sender: this.username,
        kind: 'user',
        text: o.text,
        ts: a.ts,
      })
    }
    this.touch(r)
  }

  private onError(e: Extract<ServerFrame, { type: 'error' }>): void {
    const o = e.ref ? this.outbox.find(e.ref) : undefined
    if (o) {
      // shown on the message itself
      this.outbox.update(o.clientId, { status: 'failed', error: e.message })
      return this.touch(this.room(o.room))
    }
    this.pushError({ code: e.code, message: e.message, ref: e.ref, retryAfterMs: e.retryAfterMs })
  }

  // ---- user actions ------------------------------------------------------------

  /** Sends a message; it stays in `outgoing` until acked, and is resent after reconnects. Returns its clientId. */
  sendMessage(room: string, text: string): string {
    const r = this.room(room)
    const clientId = this.newId()
    const message: OutgoingMessage = { clientId, room, text, status: 'sending' }
    // The epoch it is meant for: the room's, or (before a join on this page) that of messages restored with it.
    const epoch = r.epoch ?? this.outbox.forRoom(room).find((o) => o.epoch !== undefined)?.epoch
    if (epoch !== undefined) message.epoch = epoch
    this.outbox.add(message)
    this.stopTyping(room)
    if (r.joined) this.flushOutgoing(r)
    this.touch(r)
    return clientId
  }

  /** Sends a failed message again, with its original clientId (the server dedups). */
  retry(room: string, clientId: string): void {
    const r = this.room(room)
    if (!this.outbox.update(clientId, { status: 'sending', error: undefined })) return
    if (r.joined) this.flushOutgoing(r)
    this.touch(r)
  }

  /** Forgets a failed message. */
  discard(room: string, clientId: string): void {
    this.outbox.remove(clientId)
    this.touch(this.room(room))
  }

  /** Call on every keystroke: sends `typing: true`, refreshed at most every `typingRefreshMs`. */
  typing(room: string): void {
    if (!this.ownTyping.due(room)) return
    if (this.rooms.get(room)?.joined && this.send({ type: 'typing', room, typing: true })) this.ownTyping.sent(room)
  }

  /** Sends `typing: false` if `typing: true` was sent. */
  stopTyping(room: string): void {
    if (this.ownTyping.stop(room)) this.send({ type: 'typing', room, typing: false })
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
      const page = await this.rest.history(room, HISTORY_PAGE, r.messages.length ? r.messages[0].seq : undefined)
      for (const m of page.messages) insertMessage(r, m)
      r.hasOlder = page.hasMore
      r.missedHistory = false
    } catch (e) {
      if (e instanceof Unauthorized) this.connection.tokenRefused()
      else this.pushError({ code: 'history', message: `Could not load older messages (${(e as Error).message})` })
    } finally {
      r.loadingOlder = false
      this.touch(r)
    }
  }
}
