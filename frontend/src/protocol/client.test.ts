import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { localOutbox, ParleyClient, type OutboxStore, type OutgoingMessage, type ParleyClientOptions } from './client'
import { FakeSocket } from '../testing/fakeSocket'
import type { ChatMessage, ServerFrame } from './types'

// ---- fakes -------------------------------------------------------------------------

const last = () => FakeSocket.all[FakeSocket.all.length - 1]

interface FakeResponse {
  status: number
  body: unknown
}

function fakeFetch(answer: (url: string, init?: RequestInit) => FakeResponse) {
  let tickets = 0
  const calls: { url: string; init?: RequestInit }[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    calls.push({ url, init })
    const r = url.endsWith('/api/auth/ticket') ? { status: 200, body: { ticket: `t${++tickets}`, expiresAt: 'x' } } : answer(url, init)
    return { ok: r.status >= 200 && r.status < 300, status: r.status, json: async () => r.body } as Response
  })
  return { fn, calls }
}

function msg(seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { room: 'general', id: 1000 + seq, seq, sender: 'bob', kind: 'user', text: `m${seq}`, ts: '2026-01-01T00:00:00Z', ...extra }
}

function joined(room: string, messages: ChatMessage[], recovered = true, epoch?: number): ServerFrame {
  const lastSeq = messages.length ? messages[messages.length - 1].seq : 0
  const frame: ServerFrame = { type: 'joined', room, members: [{ user: 'alice', status: 'online' }], messages, lastSeq, recovered }
  if (epoch !== undefined) frame.epoch = epoch
  return frame
}

let ids = 0
function makeClient(extra: Partial<ParleyClientOptions> = {}, answer: (url: string) => FakeResponse = () => ({ status: 404, body: {} })) {
  const f = fakeFetch(answer)
  const client = new ParleyClient({
    baseUrl: 'http://chat.test',
    getToken: () => 'jwt',
    username: 'alice',
    WebSocket: FakeSocket,
    fetch: f.fn as unknown as typeof fetch,
    random: () => 0.5,
    newId: () => `c${++ids}`,
    backoff: { initialMs: 1000, maxMs: 8000, factor: 2 },
    ...extra,
  })
  return { client, fetchCalls: f.calls }
}

/** Lets pending promise callbacks (the ticket request) run. */
const settle = () => vi.advanceTimersByTimeAsync(0)

/** Starts the client and opens its first socket. */
async function connected(extra: Partial<ParleyClientOptions> = {}, answer?: (url: string) => FakeResponse) {
  const made = makeClient(extra, answer)
  made.client.start()
  await settle()
  last().open()
  return made
}

const room = (c: ParleyClient, name = 'general') => c.getSnapshot().rooms[name]
const seqs = (c: ParleyClient, name = 'general') => room(c, name).messages.map((m) => m.seq)

beforeEach(() => {
  vi.useFakeTimers()
  FakeSocket.all = []
  ids = 0
})
afterEach(() => {
  vi.useRealTimers()
})

// ---- connecting ----------------------------------------------------------------------

describe('connecting', () => {
  it('gets a ticket with the bearer token and opens /ws with it', async () => {
    const { client, fetchCalls } = makeClient()
    client.start()
    expect(client.getSnapshot().connection).toBe('connecting')
    await settle()

    expect(fetchCalls[0].url).toBe('http://chat.test/api/auth/ticket')
    expect(fetchCalls[0].init?.method).toBe('POST')
    expect(fetchCalls[0].init?.headers).toEqual({ Authorization: 'Bearer jwt' })
    expect(last().url).toBe('ws://chat.test/ws?ticket=t1')

    last().open()
    expect(client.getSnapshot().connection).toBe('online')
  })

  it('uses wss:// for an https origin', async () => {
    const { client } = makeClient({ baseUrl: 'https://chat.test' })
    client.start()
    await settle()
    expect(last().url).toBe('wss://chat.test/ws?ticket=t1')
  })

  it('gets a new single-use ticket for every reconnect', async () => {
    const { client, fetchCalls } = await connected()
    last().drop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fetchCalls.filter((c) => c.url.endsWith('/ticket'))).toHaveLength(2)
    expect(last().url).toBe('ws://chat.test/ws?ticket=t2')
    client.stop()
  })

  it('reconnects with exponential backoff and jitter, capped, and starts over once the server answers', async () => {
    const { client } = await connected()
    // random() = 0.5 gives 3/4 of the capped exponential delay: 750, 1500, 3000, 6000, 6000
    const expected = [750, 1500, 3000, 6000, 6000]
    for (const delay of expected) {
      const before = FakeSocket.all.length
      last().drop()
      expect(client.getSnapshot().connection).toBe('reconnecting')
      expect(client.getSnapshot().nextRetryAt).toBe(Date.now() + delay)
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(FakeSocket.all.length).toBe(before)
      await vi.advanceTimersByTimeAsync(1)
      expect(FakeSocket.all.length).toBe(before + 1)
    }
    last().open()
    last().drop() // opened but said nothing: no reset
    await vi.advanceTimersByTimeAsync(5999)
    expect(FakeSocket.all.length).toBe(expected.length + 1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all.length).toBe(expected.length + 2)
    last().open()
    last().receive({ type: 'pong' })
    last().drop()
    await vi.advanceTimersByTimeAsync(749)
    const count = FakeSocket.all.length
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all.length).toBe(count + 1)
  })

  it('jitter spreads the delay between half and all of the capped exponential', () => {
    const low = makeClient({ random: () => 0 }).client
    const high = makeClient({ random: () => 0.999999 }).client
    expect(low.backoffDelay(0)).toBe(500)
    expect(high.backoffDelay(0)).toBeCloseTo(1000, 0)
    expect(low.backoffDelay(10)).toBe(4000)
    expect(high.backoffDelay(10)).toBeCloseTo(8000, 0)
  })

  it('retries with backoff when the ticket request fails', async () => {
    const f = vi.fn(async () => {
      throw new TypeError('network down')
    })
    const { client } = makeClient({ fetch: f as unknown as typeof fetch })
    client.start()
    await settle()
    expect(client.getSnapshot().connection).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(750)
    expect(f).toHaveBeenCalledTimes(2)
    expect(FakeSocket.all).toHaveLength(0)
    client.stop()
  })

  it('goes offline and reports when the token is refused', async () => {
    const onUnauthorized = vi.fn()
    const f = vi.fn(async () => ({ ok: false, status: 401, json: async () => ({}) }) as Response)
    const { client } = makeClient({ fetch: f as unknown as typeof fetch, onUnauthorized })
    client.start()
    await settle()
    expect(onUnauthorized).toHaveBeenCalledOnce()
    expect(client.getSnapshot().connection).toBe('offline')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(f).toHaveBeenCalledOnce()
  })

  it('stop() closes the socket and does not reconnect', async () => {
    const { client } = await connected()
    const ws = last()
    client.stop()
    expect(ws.closedByClient).toBe(true)
    expect(client.getSnapshot().connection).toBe('offline')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all).toHaveLength(1)
  })

  it('reconnectNow() skips the backoff wait', async () => {
    const { client } = await connected()
    last().drop()
    client.reconnectNow()
    await settle()
    expect(FakeSocket.all).toHaveLength(2)
  })

  it('close code 1012 (the node restarts): reconnects at once after a small random delay, and resumes', async () => {
    // random() = 0.5: half of restartJitterMs, far below the backoff's 750 ms
    const { client } = await connected({ restartJitterMs: 300 })
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)]))
    last().drop(1012)
    expect(client.getSnapshot().connection).toBe('reconnecting')
    expect(client.getSnapshot().nextRetryAt).toBe(Date.now() + 150)
    await vi.advanceTimersByTimeAsync(149)
    expect(FakeSocket.all).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all).toHaveLength(2)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 2 }])
  })

  it('the 1012 delay is spread over restartJitterMs by the random source', async () => {
    for (const [random, delay] of [
      [0, 0],
      [0.75, 1500],
    ]) {
      FakeSocket.all = []
      const { client } = await connected({ random: () => random, restartJitterMs: 2000 })
      last().drop(1012)
      expect(client.getSnapshot().nextRetryAt).toBe(Date.now() + delay)
      client.stop()
    }
  })

  it('close code 1013 (read too slowly): reconnects at once and resumes', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().drop(1013)
    expect(client.getSnapshot().nextRetryAt).toBe(Date.now())
    await settle()
    expect(FakeSocket.all).toHaveLength(2)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 1 }])
  })

  it('other close codes wait for the backoff', async () => {
    const { client } = await connected({ restartJitterMs: 300 })
    last().receive({ type: 'pong' })
    last().drop(1011)
    expect(client.getSnapshot().nextRetryAt).toBe(Date.now() + 750)
    client.stop()
  })

  it('pings periodically and reopens a connection that stays silent', async () => {
    const { client } = await connected({ pingIntervalMs: 1000 })
    const ws = last()
    await vi.advanceTimersByTimeAsync(1000)
    expect(ws.sentOf('ping')).toHaveLength(1)
    ws.receive({ type: 'pong' })
    await vi.advanceTimersByTimeAsync(2000)
    expect(ws.sentOf('ping')).toHaveLength(3)
    // no answer any more: after two silent intervals the socket is given up
    await vi.advanceTimersByTimeAsync(1000)
    expect(ws.closedByClient).toBe(true)
    expect(client.getSnapshot().connection).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(750)
    expect(FakeSocket.all).toHaveLength(2)
    client.stop()
  })
})

// ---- rooms and resume ------------------------------------------------------------------

describe('joining and resuming', () => {
  it('joins without since the first time and rejoins every room with since = the last seq held', async () => {
    const { client } = await connected()
    client.join('general')
    client.join('random')
    expect(last().sentOf('join_room')).toEqual([
      { type: 'join_room', room: 'general' },
      { type: 'join_room', room: 'random' },
    ])
    last().receive(joined('general', [msg(1), msg(2), msg(3)]))
    last().receive(joined('random', []))
    last().receive({ type: 'message', ...msg(4) })

    last().drop()
    expect(room(client).joined).toBe(false)
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([
      { type: 'join_room', room: 'general', since: 4 },
      { type: 'join_room', room: 'random' },
    ])
    last().receive(joined('general', [msg(5)]))
    expect(seqs(client)).toEqual([1, 2, 3, 4, 5])
    expect(room(client).joined).toBe(true)
  })

  it('a room the server takes us out of (deleted, membership withdrawn) is not rejoined after a reconnect', async () => {
    const { client } = await connected()
    client.join('general')
    client.join('secret')
    last().receive(joined('general', [msg(1)]))
    last().receive(joined('secret', []))
    last().receive({ type: 'left', room: 'secret' })
    expect(room(client, 'secret')).toMatchObject({ joined: false, removed: true })

    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 1 }])

    // joining it again on purpose (re-added, or a new room of that name) clears the mark
    client.join('secret')
    last().receive(joined('secret', []))
    expect(room(client, 'secret')).toMatchObject({ joined: true, removed: false })
  })

  it('a room we leave ourselves is not marked as removed', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    client.leave('general')
    last().receive({ type: 'left', room: 'general' })
    expect(room(client)).toMatchObject({ joined: false, removed: false })
  })

  it('joins rooms asked for while offline once connected', async () => {
    const { client } = makeClient()
    client.join('general')
    client.start()
    await settle()
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general' }])
  })

  it('does not rejoin a room it left', async () => {
    const { client } = await connected()
    client.join('general')
    client.leave('general')
    expect(last().sentOf('leave_room')).toEqual([{ type: 'leave_room', room: 'general' }])
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([])
  })

  it('resumes from before a gap when a message arrived out of order', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)]))
    last().receive({ type: 'message', ...msg(4) })
    expect(client.resumeSeq('general')).toBe(2)
    last().receive({ type: 'message', ...msg(3) })
    expect(client.resumeSeq('general')).toBe(4)
  })

  it('recovered=false keeps the page it returns and marks that older history must be paged by REST', async () => {
    const { client, fetchCalls } = await connected({}, (url) =>
      url.includes('/messages') ? { status: 200, body: { messages: [msg(548), msg(549)], hasMore: true } } : { status: 404, body: {} },
    )
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)]))
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')[0]).toEqual({ type: 'join_room', room: 'general', since: 2 })
    last().receive(joined('general', [msg(550), msg(551)], false))

    expect(seqs(client)).toEqual([550, 551])
    expect(room(client).missedHistory).toBe(true)
    expect(room(client).hasOlder).toBe(true)

    await client.loadOlder('general')
    const history = fetchCalls.find((c) => c.url.includes('/messages'))!
    expect(history.url).toBe('http://chat.test/api/rooms/general/messages?limit=50&before=550')
    expect(history.init?.headers).toEqual({ Authorization: 'Bearer jwt' })
    expect(seqs(client)).toEqual([548, 549, 550, 551])
    expect(room(client).missedHistory).toBe(false)
    expect(room(client).hasOlder).toBe(true)
  })

  it('paging back stops when the server says there is no more', async () => {
    const { client } = await connected({}, () => ({ status: 200, body: { messages: [msg(1), msg(2)], hasMore: false } }))
    client.join('general')
    last().receive(joined('general', [msg(3)]))
    expect(room(client).hasOlder).toBe(true)
    await client.loadOlder('general')
    expect(seqs(client)).toEqual([1, 2, 3])
    expect(room(client).hasOlder).toBe(false)
  })
})

// ---- room epochs -----------------------------------------------------------------------

describe('room epochs', () => {
  it('rejoins with the epoch its last seq belongs to', async () => {
    const { client } = await connected()
    client.join('general')
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general' }])
    last().receive(joined('general', [msg(1), msg(2)], true, 7))
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 2, epoch: 7 }])
    // the same epoch: a resume like any other
    last().receive(joined('general', [msg(3)], true, 7))
    expect(seqs(client)).toEqual([1, 2, 3])
  })

  it('a new epoch (the room was deleted and created again) drops what was held and what was queued for the old room', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)], true, 7))
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 2, model: 'm' })
    last().receive({ type: 'command_result', room: 'general', command: 'who', text: 'alice' })
    last().drop()
    const queued = client.sendMessage('general', 'meant for the old room')
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 2, epoch: 7 }])

    last().receive(joined('general', [msg(1, { id: 5001, text: 'new room' })], false, 8))
    expect(last().sentOf('send_message')).toEqual([])
    expect(room(client)).toMatchObject({ outgoing: [], streams: [], notices: [], missedHistory: false, hasOlder: false })
    expect(room(client).messages.map((m) => m.text)).toEqual(['new room'])
    expect(client.getSnapshot().errors).toMatchObject([{ code: 'room_replaced' }])
    expect(client.getSnapshot().errors[0].message).toContain('1 unsent message')
    expect(queued).toBeTruthy()

    // what is written now belongs to the new room and goes out
    const fresh = client.sendMessage('general', 'for the new room')
    expect(last().sentOf('send_message')).toEqual([{ type: 'send_message', room: 'general', clientId: fresh, text: 'for the new room' }])
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 1, epoch: 8 }])
    last().receive(joined('general', [], true, 8))
    expect(last().sentOf('send_message').map((f) => f.clientId)).toEqual([fresh])
  })

  it('a message queued for an old epoch before a reload is not sent into the new room, and leaves the storage', async () => {
    const items = new Map<string, string>()
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    }
    // first page: joined epoch 7, then the connection went and a message was queued
    const first = await connected({ outbox: localOutbox('parley.outbox.alice', storage) })
    first.client.join('general')
    last().receive(joined('general', [msg(1)], true, 7))
    last().drop()
    first.client.sendMessage('general', 'queued under epoch 7')
    first.client.stop()
    expect(JSON.parse(items.get('parley.outbox.alice')!)).toMatchObject([{ text: 'queued under epoch 7', epoch: 7 }])

    // the reloaded page: written before the join too (it inherits epoch 7), then the room turns out to be new
    const { client } = await connected({ outbox: localOutbox('parley.outbox.alice', storage) })
    client.sendMessage('general', 'also written for the old room')
    last().receive(joined('general', [], false, 9))
    expect(last().sentOf('send_message')).toEqual([])
    expect(room(client).outgoing).toEqual([])
    expect(items.has('parley.outbox.alice')).toBe(false)
  })

  it('a server that sends no epoch changes nothing', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().drop()
    const id = client.sendMessage('general', 'hi')
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', since: 1 }])
    last().receive(joined('general', [msg(2)]))
    expect(seqs(client)).toEqual([1, 2])
    expect(last().sentOf('send_message').map((f) => f.clientId)).toEqual([id])
  })
})

// ---- messages -------------------------------------------------------------------------

describe('messages', () => {
  it('drops a duplicate message by id', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().receive({ type: 'message', ...msg(2) })
    last().receive({ type: 'message', ...msg(2) })
    // the id alone decides, even if the copy claims another seq
    last().receive({ type: 'message', ...msg(2, { seq: 3 }) })
    expect(room(client).messages.map((m) => m.id)).toEqual([1001, 1002])
  })

  it('treats a message with a seq it already holds as a duplicate', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)]))
    last().receive({ type: 'message', ...msg(2, { id: 9999, text: 'other' }) })
    expect(room(client).messages.map((m) => m.text)).toEqual(['m1', 'm2'])
  })

  it('keeps messages ordered by seq whatever order they arrive in', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(5), msg(3)]))
    for (const s of [7, 4, 6, 1]) last().receive({ type: 'message', ...msg(s) })
    expect(seqs(client)).toEqual([1, 3, 4, 5, 6, 7])
  })

  it('a resume that overlaps what is held adds each message once', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)]))
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    last().receive({ type: 'message', ...msg(3) }) // live, while the join is served
    last().receive(joined('general', [msg(3), msg(4)]))
    expect(seqs(client)).toEqual([1, 2, 3, 4])
  })
})

// ---- sending ---------------------------------------------------------------------------

describe('sending', () => {
  it('shows a message as sending until its ack, then as a delivered message', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    const clientId = client.sendMessage('general', 'hello')
    expect(last().sentOf('send_message')).toEqual([{ type: 'send_message', room: 'general', clientId, text: 'hello' }])
    expect(room(client).outgoing).toEqual([{ clientId, room: 'general', text: 'hello', status: 'sending' }])

    last().receive({ type: 'ack', room: 'general', clientId, id: 77, seq: 2, ts: 't', duplicate: false })
    expect(room(client).outgoing).toEqual([])
    expect(room(client).messages[1]).toMatchObject({ id: 77, seq: 2, sender: 'alice', text: 'hello', clientId })

    last().receive({ type: 'message', ...msg(2, { id: 77, sender: 'alice', text: 'hello', clientId }) })
    expect(seqs(client)).toEqual([1, 2])
  })

  it('a message frame of our own that comes before the ack settles it', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    const clientId = client.sendMessage('general', 'hi')
    last().receive({ type: 'message', ...msg(1, { sender: 'alice', text: 'hi', clientId }) })
    expect(room(client).outgoing).toEqual([])
    last().receive({ type: 'ack', room: 'general', clientId, id: 1001, seq: 1, ts: 't', duplicate: false })
    expect(seqs(client)).toEqual([1])
  })

  it('waits for the join before sending a message written while connecting', async () => {
    const { client } = makeClient()
    client.join('general')
    const clientId = client.sendMessage('general', 'early')
    client.start()
    await settle()
    last().open()
    expect(last().sentOf('send_message')).toEqual([])
    last().receive(joined('general', []))
    expect(last().sentOf('send_message')).toEqual([{ type: 'send_message', room: 'general', clientId, text: 'early' }])
  })

  it('resends unacked messages with their original clientId after a reconnect, and settles on the duplicate ack', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    const a = client.sendMessage('general', 'first')
    const b = client.sendMessage('general', 'second')
    last().receive({ type: 'ack', room: 'general', clientId: a, id: 2002, seq: 2, ts: 't', duplicate: false })
    last().drop() // 'second' was sent, never acked

    const c = client.sendMessage('general', 'written while offline')
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    expect(last().sentOf('send_message')).toEqual([])
    last().receive(joined('general', []))
    expect(last().sentOf('send_message')).toEqual([
      { type: 'send_message', room: 'general', clientId: b, text: 'second' },
      { type: 'send_message', room: 'general', clientId: c, text: 'written while offline' },
    ])
    last().receive({ type: 'ack', room: 'general', clientId: b, id: 2003, seq: 3, ts: 't', duplicate: true })
    last().receive({ type: 'message', ...msg(3, { id: 2003, sender: 'alice', text: 'second', clientId: b }) })
    last().receive({ type: 'ack', room: 'general', clientId: c, id: 2004, seq: 4, ts: 't', duplicate: false })
    expect(room(client).messages.map((m) => m.text)).toEqual(['m1', 'first', 'second', 'written while offline'])
    expect(room(client).outgoing).toEqual([])
  })

  it('does not resend a message that the resume shows was stored', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    const a = client.sendMessage('general', 'stored, ack lost')
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    last().receive(joined('general', [msg(2, { sender: 'alice', text: 'stored, ack lost', clientId: a })]))
    expect(last().sentOf('send_message')).toEqual([])
    expect(room(client).outgoing).toEqual([])
  })

  it('marks a message failed on an error naming its clientId, and Retry resends the same clientId', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    const id = client.sendMessage('general', 'x'.repeat(5000))
    last().receive({ type: 'error', code: 'too_large', message: 'message too long', ref: id })
    expect(room(client).outgoing[0]).toMatchObject({ clientId: id, status: 'failed', error: 'message too long' })
    expect(client.getSnapshot().errors).toEqual([])

    client.retry('general', id)
    expect(room(client).outgoing[0].status).toBe('sending')
    expect(last().sentOf('send_message').map((f) => f.clientId)).toEqual([id, id])
  })

  it('an error about an acked message or about no message is reported on its own', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    const id = client.sendMessage('general', '@assistant hi')
    last().receive({ type: 'ack', room: 'general', clientId: id, id: 1, seq: 1, ts: 't', duplicate: false })
    last().receive({ type: 'error', code: 'rate_limited', message: 'slow down', ref: id, retryAfterMs: 4000 })
    last().receive({ type: 'error', code: 'not_found', message: 'no such room', ref: 'join_room' })
    expect(room(client).messages).toHaveLength(1)
    expect(client.getSnapshot().errors).toMatchObject([
      { code: 'rate_limited', ref: id, retryAfterMs: 4000 },
      { code: 'not_found', ref: 'join_room' },
    ])
    client.dismissError(client.getSnapshot().errors[0].id)
    expect(client.getSnapshot().errors.map((e) => e.code)).toEqual(['not_found'])
  })

  it('a failed message is not resent by a reconnect', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    const id = client.sendMessage('general', 'nope')
    last().receive({ type: 'error', code: 'forbidden', message: 'no', ref: id })
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    last().receive(joined('general', []))
    expect(last().sentOf('send_message')).toEqual([])
    expect(room(client).outgoing[0].status).toBe('failed')
  })
})

// ---- typing, presence, assistant, commands ---------------------------------------------

describe('unsent messages across page loads', () => {
  /** A localStorage stand-in shared by the "pages" of one test. */
  function memoryStorage() {
    const items = new Map<string, string>()
    return {
      items,
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    }
  }

  it('a message written offline survives a reload and is sent once, with its clientId, when back', async () => {
    const storage = memoryStorage()
    // first page: the connection is down, the message cannot go out
    const first = makeClient({ outbox: localOutbox('parley.outbox.alice', storage) }).client
    first.join('general')
    const clientId = first.sendMessage('general', 'written offline')
    expect(JSON.parse(storage.items.get('parley.outbox.alice')!)).toEqual([
      { clientId, room: 'general', text: 'written offline', status: 'sending' },
    ])

    // the page is reloaded: a new client finds the message, joins its room and sends it
    const { client } = await connected({ outbox: localOutbox('parley.outbox.alice', storage) })
    expect(room(client).outgoing).toEqual([{ clientId, room: 'general', text: 'written offline', status: 'sending' }])
    expect(last().sentOf('join_room').map((j) => j.room)).toEqual(['general'])
    last().receive(joined('general', [msg(1)]))
    expect(last().sentOf('send_message')).toEqual([{ type: 'send_message', room: 'general', clientId, text: 'written offline' }])
    last().receive({ type: 'ack', room: 'general', clientId, id: 1002, seq: 2, ts: 't', duplicate: false })
    expect(room(client).outgoing).toEqual([])
    expect(storage.items.has('parley.outbox.alice')).toBe(false)
  })

  it('a message the server stored before the reload (its ack was lost) is not sent again', async () => {
    const storage = memoryStorage()
    storage.setItem('parley.outbox.alice', JSON.stringify([{ clientId: 'kept1', room: 'general', text: 'hello', status: 'sending' }]))
    const { client } = await connected({ outbox: localOutbox('parley.outbox.alice', storage) })
    last().receive(joined('general', [msg(1), msg(2, { sender: 'alice', text: 'hello', clientId: 'kept1' })]))
    expect(last().sentOf('send_message')).toEqual([])
    expect(room(client).outgoing).toEqual([])
    expect(seqs(client)).toEqual([1, 2])
    expect(storage.items.has('parley.outbox.alice')).toBe(false)
  })

  it('two tabs of one user keep each other\'s unsent messages', async () => {
    const storage = memoryStorage()
    const tabA = makeClient({ outbox: localOutbox('parley.outbox.alice', storage) }).client
    const tabB = makeClient({ outbox: localOutbox('parley.outbox.alice', storage) }).client
    tabA.join('general')
    tabB.join('general')
    const fromA = tabA.sendMessage('general', 'from tab A')
    const fromB = tabB.sendMessage('general', 'from tab B')
    const stored = () => (JSON.parse(storage.items.get('parley.outbox.alice') ?? '[]') as { clientId: string }[]).map((o) => o.clientId)
    expect(stored()).toEqual([fromA, fromB])

    // tab B gets its ack: only its own entry goes
    tabB.start()
    await settle()
    last().open()
    last().receive(joined('general', []))
    last().receive({ type: 'ack', room: 'general', clientId: fromB, id: 1001, seq: 1, ts: 't', duplicate: false })
    expect(stored()).toEqual([fromA])
  })

  it('a failed message stays failed after a reload until it is retried; unreadable storage is ignored', async () => {
    const storage = memoryStorage()
    storage.setItem(
      'parley.outbox.alice',
      JSON.stringify([{ clientId: 'f1', room: 'general', text: 'too long', status: 'failed', error: 'too large' }, { junk: true }]),
    )
    const { client } = await connected({ outbox: localOutbox('parley.outbox.alice', storage) })
    last().receive(joined('general', []))
    expect(room(client).outgoing).toEqual([{ clientId: 'f1', room: 'general', text: 'too long', status: 'failed', error: 'too large' }])
    expect(last().sentOf('send_message')).toEqual([])
    client.retry('general', 'f1')
    expect(last().sentOf('send_message')).toEqual([{ type: 'send_message', room: 'general', clientId: 'f1', text: 'too long' }])

    storage.setItem('parley.outbox.bob', 'not json')
    expect(localOutbox('parley.outbox.bob', storage).load()).toEqual([])
  })
})

describe('storing the outbox', () => {
  /** A store that records every write. */
  function recordingStore(): OutboxStore & { saved: OutgoingMessage[][]; loads: number } {
    const store = {
      saved: [] as OutgoingMessage[][],
      loads: 0,
      load: () => {
        store.loads++
        return store.saved.at(-1) ?? []
      },
      save: (m: OutgoingMessage[]) => void store.saved.push(m),
    }
    return store
  }

  it('writes the store when the outbox changes, and not on other frames (assistant deltas, typing, presence)', async () => {
    const store = recordingStore()
    const { client } = await connected({ outbox: store })
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    expect(store.saved).toEqual([])

    const id = client.sendMessage('general', 'hello')
    expect(store.saved).toEqual([[{ clientId: id, room: 'general', text: 'hello', status: 'sending' }]])
    const loads = store.loads

    // nothing of this touches the outbox: no write, no read, not even a serialisation of it
    const stringify = vi.spyOn(JSON, 'stringify')
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 1, model: 'm' })
    for (let i = 0; i < 200; i++) last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: `${i} ` })
    last().receive({ type: 'typing', room: 'general', user: 'bob', typing: true })
    last().receive({ type: 'presence', room: 'general', user: 'carol', status: 'online' })
    last().receive({ type: 'message', ...msg(2) })
    const serialisedOutbox = stringify.mock.calls.filter(([value]) => Array.isArray(value))
    stringify.mockRestore()
    expect(serialisedOutbox).toEqual([])
    expect(store.saved).toHaveLength(1)
    expect(store.loads).toBe(loads)

    last().receive({ type: 'ack', room: 'general', clientId: id, id: 1003, seq: 3, ts: 't', duplicate: false })
    expect(store.saved).toEqual([[{ clientId: id, room: 'general', text: 'hello', status: 'sending' }], []])
  })

  it('a failure and a retry are written (they survive a reload); sending it again on a new connection is not', async () => {
    const store = recordingStore()
    const { client } = await connected({ outbox: store })
    client.join('general')
    last().receive(joined('general', []))
    const id = client.sendMessage('general', 'x')
    last().receive({ type: 'error', code: 'rate_limited', message: 'slow down', ref: id })
    expect(store.saved.at(-1)).toEqual([{ clientId: id, room: 'general', text: 'x', status: 'failed', error: 'slow down' }])
    client.retry('general', id)
    expect(store.saved.at(-1)).toEqual([{ clientId: id, room: 'general', text: 'x', status: 'sending' }])
    const writes = store.saved.length
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    last().receive(joined('general', []))
    expect(last().sentOf('send_message').map((f) => f.clientId)).toEqual([id])
    expect(store.saved).toHaveLength(writes)
  })
})

describe('typing and presence', () => {
  it('sends typing true at most every refresh interval, and false when the message is sent', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    client.typing('general')
    client.typing('general')
    await vi.advanceTimersByTimeAsync(2999)
    client.typing('general')
    expect(last().sentOf('typing')).toEqual([{ type: 'typing', room: 'general', typing: true }])
    await vi.advanceTimersByTimeAsync(1)
    client.typing('general')
    expect(last().sentOf('typing')).toHaveLength(2)
    client.sendMessage('general', 'done')
    expect(last().sentOf('typing').at(-1)).toEqual({ type: 'typing', room: 'general', typing: false })
    client.stopTyping('general')
    expect(last().sentOf('typing')).toHaveLength(3)
  })

  it('shows who is typing until they stop, their message arrives, or the indicator goes stale', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    last().receive({ type: 'typing', room: 'general', user: 'bob', typing: true })
    last().receive({ type: 'typing', room: 'general', user: 'carol', typing: true })
    expect(room(client).typing).toEqual(['bob', 'carol'])
    last().receive({ type: 'message', ...msg(1, { sender: 'bob' }) })
    expect(room(client).typing).toEqual(['carol'])
    await vi.advanceTimersByTimeAsync(8000)
    expect(room(client).typing).toEqual([])
  })

  it('tracks members from joined and presence events', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    last().receive({ type: 'presence', room: 'general', user: 'bob', status: 'online' })
    expect(room(client).members).toEqual([
      { user: 'alice', status: 'online' },
      { user: 'bob', status: 'online' },
    ])
    last().receive({ type: 'presence', room: 'general', user: 'bob', status: 'offline' })
    expect(room(client).members.find((m) => m.user === 'bob')?.status).toBe('offline')
  })
})

describe('assistant turns', () => {
  it('streams deltas into a bubble that the final assistant message replaces', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 1, model: 'ollama/llama3.2' })
    last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: 'Hel' })
    last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: 'lo' })
    expect(room(client).streams).toEqual([{ turnId: 'T1', sender: 'assistant', model: 'ollama/llama3.2', replyTo: 1, text: 'Hello' }])

    last().receive({
      type: 'message',
      ...msg(2, { sender: 'assistant', kind: 'assistant', text: 'Hello!', turnId: 'T1', model: 'ollama/llama3.2', cached: false }),
    })
    expect(room(client).streams).toEqual([])
    expect(room(client).messages[1]).toMatchObject({ kind: 'assistant', text: 'Hello!', turnId: 'T1' })
  })

  it("names the stream after the server's assistant (assistant_start.sender)", async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 1, model: 'm', sender: 'robo' })
    last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: 'hi' })
    expect(room(client).streams).toMatchObject([{ turnId: 'T1', sender: 'robo', text: 'hi' }])
  })

  it('keeps an assistant error visible on its turn', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    last().receive({ type: 'assistant_error', room: 'general', turnId: 'T9', code: 'llm_unavailable', message: 'no provider' })
    expect(room(client).streams).toEqual([
      { turnId: 'T9', sender: 'assistant', text: '', error: { code: 'llm_unavailable', message: 'no provider' } },
    ])
  })

  it('a reconnect mid-turn shows the replayed text once', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 1, model: 'm' })
    last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: 'Hel' })
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    last().receive(joined('general', [msg(1)]))
    // the server replays the start and the whole text so far, then goes on
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 1, model: 'm' })
    last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: 'Hello' })
    last().receive({ type: 'assistant_delta', room: 'general', turnId: 'T1', text: ' world' })
    expect(room(client).streams).toEqual([{ turnId: 'T1', sender: 'assistant', model: 'm', replyTo: 1, text: 'Hello world' }])
  })

  it('a resume that contains the final message ends the stream', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1)]))
    last().receive({ type: 'assistant_start', room: 'general', turnId: 'T1', replyTo: 1, model: 'm' })
    last().drop()
    await vi.advanceTimersByTimeAsync(750)
    last().open()
    last().receive(joined('general', [msg(2, { kind: 'assistant', sender: 'assistant', turnId: 'T1' })]))
    expect(room(client).streams).toEqual([])
  })

  it('sends cancel_turn', async () => {
    const { client } = await connected()
    client.cancelTurn('general', 'T1')
    expect(last().sentOf('cancel_turn')).toEqual([{ type: 'cancel_turn', room: 'general', turnId: 'T1' }])
  })
})

describe('command results', () => {
  it('keeps a command_result as a notice placed after the last message', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', [msg(1), msg(2)]))
    last().receive({ type: 'command_result', room: 'general', command: 'who', text: 'alice, bob' })
    expect(room(client).notices).toEqual([{ id: 1, command: 'who', text: 'alice, bob', afterSeq: 2 }])
    client.dismissNotice('general', 1)
    expect(room(client).notices).toEqual([])
  })

  it('a command_result settles the command that carried it, matched by clientId', async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    const first = client.sendMessage('general', '/who')
    const second = client.sendMessage('general', '/who')
    const model = client.sendMessage('general', '/model ollama/x')
    // the answer to the second /who: the first (same text) and /model are still waiting
    last().receive({ type: 'command_result', room: 'general', command: 'who', text: 'alice', clientId: second })
    expect(room(client).outgoing.map((o) => o.clientId)).toEqual([first, model])
    // an answer that names no clientId (or another's) settles nothing
    last().receive({ type: 'command_result', room: 'general', command: 'who', text: 'alice' })
    last().receive({ type: 'command_result', room: 'general', command: 'model', text: 'no', clientId: 'someone-else' })
    expect(room(client).outgoing.map((o) => o.clientId)).toEqual([first, model])
    expect(room(client).notices.map((n) => n.command)).toEqual(['who', 'who', 'model'])
  })

  it("a command's ack settles it without showing the command as a message of ours", async () => {
    const { client } = await connected()
    client.join('general')
    last().receive(joined('general', []))
    const help = client.sendMessage('general', '/help')
    last().receive({ type: 'ack', room: 'general', clientId: help, id: 0, seq: 0, ts: 't', duplicate: false })
    const model = client.sendMessage('general', '/model ollama/x')
    last().receive({ type: 'ack', room: 'general', clientId: model, id: 5, seq: 1, ts: 't', duplicate: false })
    expect(room(client).outgoing).toEqual([])
    expect(room(client).messages).toEqual([])
    const announced = msg(1, { id: 5, kind: 'system', sender: 'system', text: 'alice set the model to ollama/x' })
    last().receive({ type: 'message', ...announced })
    expect(room(client).messages).toEqual([announced])
  })
})

describe('snapshots', () => {
  it('replaces the snapshot on change and keeps it otherwise', async () => {
    const { client } = await connected()
    const listener = vi.fn()
    client.subscribe(listener)
    client.join('general')
    const before = client.getSnapshot()
    expect(client.getSnapshot()).toBe(before)
    last().receive({ type: 'message', ...msg(1) })
    expect(client.getSnapshot()).not.toBe(before)
    expect(before.rooms.general.messages).toEqual([])
    expect(listener).toHaveBeenCalled()
  })
})
