// What the client holds for one room, and the rules for its messages: ascending by seq, each id and seq once.

import type { AssistantStream } from './streams'
import type { ChatMessage, Member } from './types'

/** Something shown only to this user in a room (command_result). */
export interface Notice {
  id: number
  command: string
  text: string
  /** The room's last seq when it arrived: the UI shows it after that message. */
  afterSeq: number
}

export interface RoomState {
  name: string
  /** The room's epoch as of the last `joined` (unknown before, or from a server that does not send it). */
  epoch: number | undefined
  /** A `joined` frame was received on the current connection. */
  joined: boolean
  /** Confirmed messages, ascending by seq, each seq and id once. */
  messages: ChatMessage[]
  ids: Set<number>
  members: Member[]
  streams: Map<string, AssistantStream>
  notices: Notice[]
  /** Older history exists that can be paged through REST. */
  hasOlder: boolean
  /** The last resume returned `recovered: false`: messages were missed and must be paged by REST. */
  missedHistory: boolean
  loadingOlder: boolean
  /** The server took this connection out of the room unasked (deleted, or no longer a member): not rejoined. */
  removed: boolean
}

export function newRoom(name: string): RoomState {
  return {
    name,
    epoch: undefined,
    joined: false,
    messages: [],
    ids: new Set(),
    members: [],
    streams: new Map(),
    notices: [],
    hasOlder: false,
    missedHistory: false,
    loadingOlder: false,
    removed: false,
  }
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

/** Inserts in seq order; returns false for a duplicate (same id, or a seq already held). */
export function insertMessage(r: RoomState, m: ChatMessage): boolean {
  if (r.ids.has(m.id)) return false
  const i = insertionIndex(r.messages, m.seq)
  if (i < r.messages.length && r.messages[i].seq === m.seq) return false
  r.messages.splice(i, 0, m)
  r.ids.add(m.id)
  return true
}

/** Forgets the messages held (a gap the server will not fill, or another room under the same name). */
export function clearMessages(r: RoomState): void {
  r.messages = []
  r.ids = new Set()
}

/**
 * The seq to resume from: the last one up to which the room's messages are complete (a message that arrived
 * out of order past a missing one does not count); undefined when nothing is held.
 */
export function resumeSeq(r: RoomState | undefined): number | undefined {
  const msgs = r?.messages
  if (!msgs || msgs.length === 0) return undefined
  for (let i = 0; i + 1 < msgs.length; i++) {
    if (msgs[i + 1].seq !== msgs[i].seq + 1) return msgs[i].seq
  }
  return msgs[msgs.length - 1].seq
}

/** The seq of the newest message held, 0 if none. */
export function lastSeq(r: RoomState): number {
  return r.messages.length ? r.messages[r.messages.length - 1].seq : 0
}
