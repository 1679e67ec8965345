// What the protocol client publishes: an immutable snapshot, replaced on every change, that the UI reads.

import type { ConnectionState } from './connection'
import type { OutgoingMessage } from './outbox'
import type { Notice } from './room'
import type { AssistantStream } from './streams'
import type { ChatMessage, Member } from './types'

/** What the UI sees of a room. */
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
