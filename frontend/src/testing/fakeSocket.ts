// A scripted WebSocket for tests: it records what the client sends, and the test plays the server
// (open, receive, drop). Every instance is kept in `FakeSocket.all`, the newest last.

import type { WebSocketLike } from '../protocol/ports'
import type { ClientFrame, ServerFrame } from '../protocol/types'

export class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = []
  readonly url: string
  readyState = 0
  sent: ClientFrame[] = []
  closedByClient = false
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null

  constructor(url: string) {
    this.url = url
    FakeSocket.all.push(this)
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    this.sent.push(JSON.parse(data) as ClientFrame)
  }
  close() {
    this.closedByClient = true
    this.readyState = 3
  }
  // server side
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
  drop(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code })
  }
  sentOf<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f) => f.type === type) as Extract<ClientFrame, { type: T }>[]
  }
}
