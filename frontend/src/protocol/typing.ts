// Typing indicators, both ways: other users' (each ends on its own after a while without a refresh), and
// this user's (`typing: true` refreshed at most every so often, `false` once when they stop).

import type { Timers } from './ports'

/** Who else is typing, per room. */
export class TypingIndicators {
  private readonly rooms = new Map<string, Map<string, unknown>>() // room -> user -> expiry timer
  private readonly timers: Timers
  private readonly expiryMs: number
  private readonly expired: (room: string) => void

  /** `expired` is told when an indicator of `room` ended by itself. */
  constructor(timers: Timers, expiryMs: number, expired: (room: string) => void) {
    this.timers = timers
    this.expiryMs = expiryMs
    this.expired = expired
  }

  users(room: string): string[] {
    return [...(this.rooms.get(room)?.keys() ?? [])]
  }

  /** Shows (and re-arms) or ends `user`'s indicator. */
  set(room: string, user: string, typing: boolean): void {
    let users = this.rooms.get(room)
    const timer = users?.get(user)
    if (timer !== undefined) this.timers.clearTimeout(timer)
    if (!typing) {
      users?.delete(user)
      return
    }
    if (!users) this.rooms.set(room, (users = new Map()))
    const inRoom = users
    inRoom.set(
      user,
      this.timers.setTimeout(() => {
        inRoom.delete(user)
        this.expired(room)
      }, this.expiryMs),
    )
  }

  /** Ends every indicator of `room`; returns whether there was one. */
  clear(room: string): boolean {
    const users = this.rooms.get(room)
    if (!users || users.size === 0) return false
    for (const timer of users.values()) this.timers.clearTimeout(timer)
    users.clear()
    return true
  }
}

/** When this user last said `typing: true`, per room. */
export class OwnTyping {
  private readonly sentAt = new Map<string, number>()
  private readonly now: () => number
  private readonly refreshMs: number

  constructor(now: () => number, refreshMs: number) {
    this.now = now
    this.refreshMs = refreshMs
  }

  /** Whether a keystroke now should send `typing: true` (none sent within the refresh interval). */
  due(room: string): boolean {
    const last = this.sentAt.get(room)
    return last === undefined || this.now() - last >= this.refreshMs
  }

  sent(room: string): void {
    this.sentAt.set(room, this.now())
  }

  /** Forgets the room; returns whether `typing: true` had been sent (so `false` is owed). */
  stop(room: string): boolean {
    return this.sentAt.delete(room)
  }

  /** The connection is gone: the server forgets typing with it. */
  reset(): void {
    this.sentAt.clear()
  }
}
