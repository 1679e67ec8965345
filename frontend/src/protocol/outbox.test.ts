import { describe, expect, it, vi } from 'vitest'
import { Outbox, type OutboxStore, type OutgoingMessage } from './outbox'

function store(initial: OutgoingMessage[] = []): OutboxStore & { save: ReturnType<typeof vi.fn> } {
  let held = initial
  return {
    load: () => held,
    save: vi.fn((m: OutgoingMessage[]) => {
      held = m
    }),
  }
}

const message = (clientId: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  clientId,
  room: 'general',
  text: clientId,
  status: 'sending',
  ...extra,
})

describe('Outbox', () => {
  it('writes its store only after a change, once per change', () => {
    const s = store()
    const outbox = new Outbox(s)
    outbox.save()
    expect(s.save).not.toHaveBeenCalled()
    outbox.add(message('a'))
    outbox.save()
    outbox.save()
    expect(s.save).toHaveBeenCalledTimes(1)
    outbox.update('a', { status: 'failed', error: 'no' })
    outbox.save()
    expect(s.save).toHaveBeenLastCalledWith([message('a', { status: 'failed', error: 'no' })])
    outbox.update('a', { status: 'sending', error: undefined })
    outbox.save()
    expect(s.save).toHaveBeenLastCalledWith([message('a')])
    expect(outbox.update('missing', { status: 'failed' })).toBe(false)
    expect(outbox.remove('missing')).toBeUndefined()
    outbox.save()
    expect(s.save).toHaveBeenCalledTimes(3)
  })

  it("keeps the entries of another tab of the same user, and drops only its own", () => {
    const s = store([message('other-tab')])
    const outbox = new Outbox(s)
    outbox.add(message('mine'))
    outbox.save()
    expect(s.load().map((m) => m.clientId)).toEqual(['other-tab', 'mine'])
    outbox.remove('mine')
    outbox.save()
    expect(s.load().map((m) => m.clientId)).toEqual(['other-tab'])
  })

  it('sends each waiting entry once per connection, in the order written, and not the failed ones', () => {
    const outbox = new Outbox()
    outbox.add(message('a'))
    outbox.add(message('b', { status: 'failed' }))
    outbox.add(message('c', { room: 'random' }))
    outbox.add(message('d'))
    const sent: string[] = []
    const send = (m: OutgoingMessage) => (sent.push(m.clientId), true)
    outbox.flush('general', 1, send)
    outbox.flush('general', 1, send)
    expect(sent).toEqual(['a', 'd'])
    outbox.flush('general', 2, send)
    expect(sent).toEqual(['a', 'd', 'a', 'd'])
  })

  it('an entry the socket could not take is sent by the next flush on the same connection', () => {
    const outbox = new Outbox()
    outbox.add(message('a'))
    outbox.flush('general', 1, () => false)
    const sent: string[] = []
    outbox.flush('general', 1, (m) => (sent.push(m.clientId), true))
    expect(sent).toEqual(['a'])
  })
})
