// The user's own messages that the server has not acked yet, across rooms. They are kept in an OutboxStore
// (localStorage in the browser) so that a reload, or a tab closed while offline, loses none of them; every
// change goes through `Outbox`, which writes the store only when the list changed.

/** One of the user's own messages that the server has not acked yet. */
export interface OutgoingMessage {
  clientId: string
  room: string
  text: string
  status: 'sending' | 'failed'
  error?: string
  /** The room's epoch when it was written (unknown before the room was first joined). */
  epoch?: number
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

/** An entry and the connection it was last sent on (not stored: after a reload nothing has been sent). */
interface Entry {
  message: OutgoingMessage
  sentOn: number
}

export class Outbox {
  private readonly store: OutboxStore | undefined
  /** In the order they were written. */
  private entries: Entry[] = []
  /** Every clientId this client has held: the stored entries it may drop. Others belong to other tabs. */
  private readonly held = new Set<string>()
  private changed = false

  constructor(store?: OutboxStore) {
    this.store = store
  }

  /** Takes over what an earlier page left in the store; returns the rooms they were written in. */
  restore(): Set<string> {
    const rooms = new Set<string>()
    for (const o of this.store?.load() ?? []) {
      if (this.find(o.clientId)) continue
      const message: OutgoingMessage = {
        clientId: o.clientId,
        room: o.room,
        text: o.text,
        status: o.status === 'failed' ? 'failed' : 'sending',
      }
      if (o.error !== undefined) message.error = o.error
      if (typeof o.epoch === 'number') message.epoch = o.epoch
      this.entries.push({ message, sentOn: 0 })
      this.held.add(o.clientId)
      rooms.add(o.room)
    }
    return rooms
  }

  forRoom(room: string): OutgoingMessage[] {
    return this.entries.filter((e) => e.message.room === room).map((e) => e.message)
  }

  find(clientId: string): OutgoingMessage | undefined {
    return this.entries.find((e) => e.message.clientId === clientId)?.message
  }

  add(message: OutgoingMessage): void {
    this.entries.push({ message, sentOn: 0 })
    this.held.add(message.clientId)
    this.changed = true
  }

  /** Changes what is stored of an entry; returns false if there is none. */
  update(clientId: string, change: Partial<Pick<OutgoingMessage, 'status' | 'error' | 'epoch'>>): boolean {
    const entry = this.entries.find((e) => e.message.clientId === clientId)
    if (!entry) return false
    const message = { ...entry.message, ...change }
    for (const key of Object.keys(message) as (keyof OutgoingMessage)[]) if (message[key] === undefined) delete message[key]
    entry.message = message
    if (change.status === 'sending') entry.sentOn = 0
    this.changed = true
    return true
  }

  /** Removes the entry (acked, answered, discarded); returns it, or undefined if there was none. */
  remove(clientId: string): OutgoingMessage | undefined {
    const i = this.entries.findIndex((e) => e.message.clientId === clientId)
    if (i < 0) return undefined
    const [entry] = this.entries.splice(i, 1)
    this.changed = true
    return entry.message
  }

  /** Removes every entry of `room` that `drop` selects; returns them. */
  removeWhere(room: string, drop: (m: OutgoingMessage) => boolean): OutgoingMessage[] {
    const gone = this.entries.filter((e) => e.message.room === room && drop(e.message)).map((e) => e.message)
    if (gone.length === 0) return gone
    this.entries = this.entries.filter((e) => !gone.includes(e.message))
    this.changed = true
    return gone
  }

  /**
   * Sends `room`'s entries that are waiting and were not sent on this connection yet, in the order they were
   * written. `send` returns false when the socket cannot take them now.
   */
  flush(room: string, connectionId: number, send: (m: OutgoingMessage) => boolean): void {
    for (const e of this.entries) {
      if (e.message.room === room && e.message.status === 'sending' && e.sentOn !== connectionId && send(e.message)) {
        e.sentOn = connectionId
      }
    }
  }

  /**
   * Writes this client's entries to the store if they changed since the last write, keeping the entries of
   * other tabs of the same user (those this client never held): each tab drops only what it sent or discarded.
   */
  save(): void {
    if (!this.changed) return
    this.changed = false
    if (!this.store) return
    const mine = this.entries.map((e) => e.message)
    const others = this.store.load().filter((o) => !this.held.has(o.clientId))
    this.store.save([...others, ...mine])
  }
}
