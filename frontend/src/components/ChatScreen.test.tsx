// @vitest-environment jsdom
import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RoomInfo, Session } from '../api'
import type { ServerFrame } from '../protocol/types'
import { FakeSocket } from '../testing/fakeSocket'
import { ChatScreen } from './ChatScreen'

const session: Session = { token: 'jwt', expiresAt: '2999-01-01T00:00:00Z', user: { username: 'alice', roles: [] } }

/** A server behind fetch: rooms (changed by PATCH), models, tickets. Records every request. */
function fakeServer(rooms: RoomInfo[], options: { roomsStatus?: number } = {}) {
  const requests: { method: string; url: string; body?: unknown }[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = init?.method ?? 'GET'
      const url = new URL(String(input), window.location.origin)
      const body = init?.body ? JSON.parse(String(init.body)) : undefined
      requests.push({ method, url: `${url.pathname}${url.search}`, body })
      const answer = (status: number, json: unknown) => ({ ok: status < 300, status, statusText: '', json: async () => json }) as Response
      if (url.pathname === '/api/auth/ticket') return answer(200, { ticket: 't1' })
      if (url.pathname === '/api/llm/models')
        return answer(200, {
          default: 'ollama/a',
          models: [
            { id: 'ollama/a', provider: 'ollama', available: true },
            { id: 'ollama/b', provider: 'ollama', available: true },
          ],
        })
      if (url.pathname === '/api/rooms' && method === 'GET') return answer(options.roomsStatus ?? 200, rooms)
      const one = /^\/api\/rooms\/([^/]+)$/.exec(url.pathname)
      if (one && method === 'PATCH') {
        const i = rooms.findIndex((r) => r.name === decodeURIComponent(one[1]))
        rooms[i] = { ...rooms[i], ...(body as Partial<RoomInfo>) }
        return answer(200, rooms[i])
      }
      return answer(404, { error: 'not found' })
    }),
  )
  return requests
}

const socket = () => FakeSocket.all[FakeSocket.all.length - 1]
const serverSays = (frame: ServerFrame) => act(() => socket().receive(frame))

function renderChat(onLogout = vi.fn()) {
  render(<ChatScreen session={session} onLogout={onLogout} />)
  return { onLogout, user: userEvent.setup() }
}

beforeEach(() => {
  FakeSocket.all = []
  vi.stubGlobal('WebSocket', FakeSocket)
  window.location.hash = ''
  localStorage.clear()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('ChatScreen', () => {
  it('lists the rooms, connects, and opening a room joins it and shows its messages', async () => {
    const requests = fakeServer([
      { name: 'general', private: false, owner: 'bob', online: 2 },
      { name: 'secret', private: true, owner: 'alice', online: 0 },
    ])
    const { user } = renderChat()
    const rooms = screen.getByRole('navigation', { name: 'Rooms' })
    expect((await screen.findByRole('link', { name: /#general/ })).textContent).toContain('2 online')
    expect(rooms.textContent).toContain('private')
    expect(requests.find((r) => r.url.startsWith('/api/rooms'))?.url).toBe('/api/rooms?limit=200')

    await waitFor(() => expect(FakeSocket.all).toHaveLength(1))
    expect(socket().url).toBe(`ws://${window.location.host}/ws?ticket=t1`)
    expect(screen.getByRole('status').textContent).toContain('Connecting…')
    act(() => socket().open())
    expect(screen.getByRole('status').textContent).toContain('Online')

    await user.click(screen.getByRole('link', { name: /#general/ }))
    await screen.findByRole('heading', { name: '#general' })
    expect(socket().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general' }])
    serverSays({
      type: 'joined',
      room: 'general',
      epoch: 1,
      members: [{ user: 'bob', status: 'online' }],
      messages: [{ room: 'general', id: 1, seq: 1, sender: 'bob', kind: 'user', text: 'hello alice', ts: '2026-01-01T10:00:00Z' }],
      lastSeq: 1,
      recovered: true,
    })
    expect(screen.getByRole('log', { name: 'Messages' }).textContent).toContain('hello alice')
    expect(screen.getByRole('complementary', { name: "Who's here" }).textContent).toContain('bob')
  })

  it("shows the model the server answered as soon as the owner picks one", async () => {
    const requests = fakeServer([{ name: 'mine', private: false, owner: 'alice', model: 'ollama/a' }])
    window.location.hash = '#/room/mine'
    const { user } = renderChat()
    const picker = (await screen.findByLabelText('Model')) as HTMLSelectElement
    await waitFor(() => expect(picker.value).toBe('ollama/a'))
    await user.selectOptions(picker, 'ollama/b')
    await waitFor(() => expect(picker.value).toBe('ollama/b'))
    expect(requests.filter((r) => r.method === 'PATCH')).toEqual([{ method: 'PATCH', url: '/api/rooms/mine', body: { model: 'ollama/b' } }])
  })

  it('a server restart (close code 1012) shows Reconnecting… and the room is resumed', async () => {
    fakeServer([{ name: 'general', private: false }])
    window.location.hash = '#/room/general'
    renderChat()
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1))
    act(() => socket().open())
    serverSays({ type: 'joined', room: 'general', epoch: 3, members: [], messages: [], lastSeq: 0, recovered: true })
    vi.spyOn(Math, 'random').mockReturnValue(0) // the jitter: no wait
    act(() => socket().drop(1012))
    expect(screen.getByRole('status').textContent).toContain('Reconnecting…')
    await waitFor(() => expect(FakeSocket.all).toHaveLength(2))
    act(() => socket().open())
    expect(socket().sentOf('join_room')).toEqual([{ type: 'join_room', room: 'general', epoch: 3 }])
    expect(screen.getByRole('status').textContent).toContain('Online')
  })

  it('Log out forgets the unsent messages kept in this browser and signs out', async () => {
    fakeServer([])
    localStorage.setItem('parley.outbox.alice', JSON.stringify([{ clientId: 'c1', room: 'general', text: 'unsent', status: 'sending' }]))
    const { user, onLogout } = renderChat()
    await user.click(screen.getByRole('button', { name: 'Log out' }))
    expect(onLogout).toHaveBeenCalledOnce()
    expect(localStorage.getItem('parley.outbox.alice')).toBeNull()
  })

  it('a refused token signs the user out', async () => {
    fakeServer([], { roomsStatus: 401 })
    const { onLogout } = renderChat()
    await waitFor(() => expect(onLogout).toHaveBeenCalled())
  })
})
