// One WebSocket to the server, kept open: a fresh ticket before every (re)connect, reconnects with backoff
// (or at once for the close codes that ask for it), and a heartbeat that gives up on a silent connection.
// It knows nothing about rooms: it reports its state, hands over frames, and says when a socket opened.

import { backoffDelay, closeCodeDelay, type BackoffOptions } from './backoff'
import { OPEN, type Timers, type WebSocketFactory, type WebSocketLike } from './ports'
import { Unauthorized, type Rest } from './rest'
import type { ClientFrame, ServerFrame } from './types'

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline'

export interface ConnectionOptions {
  baseUrl: string
  rest: Rest
  WebSocket: WebSocketFactory
  timers: Timers
  now: () => number
  /** A number in [0, 1): the jitter. */
  random: () => number
  backoff: BackoffOptions
  /** How often to ping; a connection silent for two intervals is dropped and reopened. */
  pingIntervalMs: number
  /** After a close with 1012 (the node restarts) the reconnect waits a random delay below this. */
  restartJitterMs: number
}

export interface ConnectionEvents {
  state(state: ConnectionState, nextRetryAt: number | null): void
  /** A socket opened: the rooms can be joined on it. */
  opened(): void
  frame(frame: ServerFrame): void
  /** The socket is gone (closed, given up or stopped): nothing is joined any more. */
  closed(): void
  /** The token was refused: the connection stopped for good. */
  unauthorized(): void
}

export class Connection {
  private readonly opts: ConnectionOptions
  private readonly events: ConnectionEvents
  private started = false
  private ws: WebSocketLike | null = null
  /** Increases with every connection attempt; stale callbacks compare against it. */
  private attemptId = 0
  private failures = 0
  private everOnline = false
  private reconnectTimer: unknown = null
  private heartbeat: unknown = null
  private lastReceived = 0

  constructor(opts: ConnectionOptions, events: ConnectionEvents) {
    this.opts = opts
    this.events = events
  }

  /** Identifies the current socket: what was sent on an earlier one must be sent again. */
  get id(): number {
    return this.attemptId
  }

  get online(): boolean {
    return this.ws !== null && this.ws.readyState === OPEN
  }

  /** Connects, and keeps reconnecting until `stop()`. */
  start(): void {
    if (this.started) return
    this.started = true
    void this.connect()
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.started = false
    this.attemptId++
    this.clearReconnectTimer()
    this.dropSocket(1000, 'bye')
    this.events.state('offline', null)
  }

  /** Skips the remaining backoff wait (e.g. when the browser comes back online). */
  reconnectNow(): void {
    if (!this.started || this.ws || this.reconnectTimer === null) return
    this.clearReconnectTimer()
    this.failures = 0
    void this.connect()
  }

  /** Sends a frame if a socket is open; false if not (it will be sent again after the next join). */
  send(frame: ClientFrame): boolean {
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN) return false
    ws.send(JSON.stringify(frame))
    return true
  }

  backoffDelay(n: number): number {
    return backoffDelay(this.opts.backoff, n, this.opts.random())
  }

  private async connect(): Promise<void> {
    const id = ++this.attemptId
    this.events.state(this.everOnline ? 'reconnecting' : 'connecting', null)
    let ticket: string
    try {
      ticket = await this.opts.rest.ticket()
    } catch (e) {
      if (id !== this.attemptId) return
      if (e instanceof Unauthorized) this.tokenRefused()
      else if (this.started) this.scheduleReconnect()
      return
    }
    if (id !== this.attemptId || !this.started) return

    const url = `${this.opts.baseUrl.replace(/^http/, 'ws')}/ws?ticket=${encodeURIComponent(ticket)}`
    let ws: WebSocketLike
    try {
      ws = new this.opts.WebSocket(url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      if (ws !== this.ws) return
      this.everOnline = true
      this.lastReceived = this.opts.now()
      this.startHeartbeat()
      this.events.state('online', null)
      this.events.opened()
    }
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return
      this.lastReceived = this.opts.now()
      // The backoff starts over once the server talks to us (not merely on open, so that a
      // server that accepts and closes at once is not hammered).
      this.failures = 0
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame
      } catch {
        return
      }
      this.events.frame(frame)
    }
    ws.onclose = (ev) => {
      if (ws !== this.ws) return
      this.lost(closeCodeDelay(ev.code, this.opts.restartJitterMs, this.opts.random()))
    }
    ws.onerror = () => {
      // a close event follows
    }
  }

  /** The socket is gone: reconnect after `delay`, or after the backoff when null. */
  private lost(delay: number | null): void {
    this.dropSocket(4000, 'reconnect')
    if (this.started) this.scheduleReconnect(delay)
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
    this.events.closed()
  }

  private scheduleReconnect(delay: number | null = null): void {
    this.clearReconnectTimer()
    const wait = delay ?? this.backoffDelay(this.failures++)
    this.reconnectTimer = this.opts.timers.setTimeout(() => {
      this.reconnectTimer = null
      void this.connect()
    }, wait)
    this.events.state('reconnecting', this.opts.now() + wait)
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer !== null) this.opts.timers.clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
  }

  private startHeartbeat(): void {
    this.stopHeartbeat()
    const interval = this.opts.pingIntervalMs
    this.heartbeat = this.opts.timers.setInterval(() => {
      if (this.opts.now() - this.lastReceived > 2 * interval) {
        // No pong nor anything else: the connection is dead without having closed.
        this.lost(null)
      } else {
        this.send({ type: 'ping' })
      }
    }, interval)
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) this.opts.timers.clearInterval(this.heartbeat)
    this.heartbeat = null
  }

  /** The token was refused (by any request): stop for good and say so. */
  tokenRefused(): void {
    this.started = false
    this.clearReconnectTimer()
    this.dropSocket(1000, 'unauthorized')
    this.events.state('offline', null)
    this.events.unauthorized()
  }
}
