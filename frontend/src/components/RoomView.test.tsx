// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ModelList, RoomInfo } from '../api'
import { ParleyClient, type RoomView as RoomState } from '../protocol/client'
import type { ChatMessage } from '../protocol/types'
import { RoomView } from './RoomView'

const models: ModelList = {
  default: 'ollama/llama3.2',
  models: [
    { id: 'ollama/llama3.2', provider: 'ollama', available: true },
    { id: 'ollama/qwen', provider: 'ollama', available: true },
    { id: 'anthropic/claude', provider: 'anthropic', available: true },
  ],
}

function roomState(extra: Partial<RoomState> = {}): RoomState {
  return {
    name: 'general',
    joined: true,
    messages: [],
    outgoing: [],
    members: [{ user: 'alice', status: 'online' }],
    typing: [],
    streams: [],
    notices: [],
    hasOlder: false,
    missedHistory: false,
    loadingOlder: false,
    removed: false,
    ...extra,
  }
}

const info = (extra: Partial<RoomInfo> = {}): RoomInfo => ({ name: 'general', private: false, owner: 'alice', model: 'ollama/qwen', ...extra })

function message(seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { room: 'general', id: seq, seq, sender: 'bob', kind: 'user', text: `m${seq}`, ts: '2026-01-01T10:00:00Z', ...extra }
}

/** The REST calls the view makes, answered by `answer`. */
let requests: { method: string; url: string; body: unknown }[]
function stubFetch(answer: (method: string, url: string) => { status: number; body: unknown }) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = init?.method ?? 'GET'
      const url = String(input)
      requests.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined })
      const { status, body } = answer(method, url)
      return { ok: status < 300, status, statusText: '', json: async () => body } as Response
    }),
  )
}

function renderRoom(props: { room?: RoomState; info?: RoomInfo; me?: string; admin?: boolean } = {}) {
  const client = new ParleyClient({ baseUrl: 'http://chat.test', getToken: () => 'jwt', username: props.me ?? 'alice' })
  const onRoomChanged = vi.fn()
  const all = {
    client,
    room: props.room ?? roomState(),
    info: props.info ?? info(),
    models,
    me: props.me ?? 'alice',
    admin: props.admin ?? false,
    token: 'jwt',
    onRoomChanged,
  }
  const view = render(<RoomView {...all} />)
  return { ...all, rerender: (p: Partial<typeof all>) => view.rerender(<RoomView {...all} {...p} />), user: userEvent.setup() }
}

const picker = () => screen.getByLabelText('Model') as HTMLSelectElement

beforeEach(() => {
  requests = []
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('RoomView', () => {
  it("shows the server's model, also after it changed on the server", () => {
    const { rerender } = renderRoom()
    expect(picker().value).toBe('ollama/qwen')
    // another member's /model: the room list now says so
    rerender({ info: info({ model: 'anthropic/claude' }) })
    expect(picker().value).toBe('anthropic/claude')
    // no model set on the room: the server's default
    rerender({ info: info({ model: null }) })
    expect(picker().value).toBe('ollama/llama3.2')
  })

  it('the owner picks a model with PATCH /api/rooms/{room}, not by typing /model; the view follows the server', async () => {
    stubFetch(() => ({ status: 200, body: info({ model: 'anthropic/claude' }) }))
    const { client, user, onRoomChanged, rerender } = renderRoom()
    const send = vi.spyOn(client, 'sendMessage')
    await user.selectOptions(picker(), 'anthropic/claude')
    await waitFor(() => expect(onRoomChanged).toHaveBeenCalledWith(info({ model: 'anthropic/claude' })))
    expect(requests).toEqual([{ method: 'PATCH', url: '/api/rooms/general', body: { model: 'anthropic/claude' } }])
    expect(send).not.toHaveBeenCalled()

    // what is shown is what the server holds, whoever changes it next
    rerender({ info: info({ model: 'anthropic/claude' }) })
    expect(picker().value).toBe('anthropic/claude')
    rerender({ info: info({ model: 'ollama/llama3.2' }) })
    expect(picker().value).toBe('ollama/llama3.2')
  })

  it('a refused change is shown, and the picker shows the model the server kept', async () => {
    stubFetch(() => ({ status: 403, body: { error: 'only the owner can change the model' } }))
    const { user, onRoomChanged } = renderRoom()
    await user.selectOptions(picker(), 'anthropic/claude')
    expect((await screen.findByRole('alert')).textContent).toContain('only the owner can change the model')
    expect(picker().value).toBe('ollama/qwen')
    expect(onRoomChanged).not.toHaveBeenCalled()
  })

  it('the picker is disabled for members who are neither the owner nor an admin', () => {
    renderRoom({ me: 'bob' })
    expect(picker().disabled).toBe(true)
    expect(picker().value).toBe('ollama/qwen')
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull()
    cleanup()
    renderRoom({ me: 'carol', admin: true })
    expect(picker().disabled).toBe(false)
    expect(screen.getByRole('button', { name: 'Settings' })).toBeTruthy()
  })

  it("labels an assistant stream with the server's assistant name", () => {
    renderRoom({
      room: roomState({
        messages: [message(1)],
        streams: [{ turnId: 'T1', sender: 'Parley Bot', model: 'ollama/qwen', text: 'Hello', replyTo: 1 }],
      }),
    })
    const stream = screen.getByRole('log', { name: 'Messages' }).querySelector('[data-turn-id="T1"]') as HTMLElement
    expect(within(stream).getByText('Parley Bot')).toBeTruthy()
    expect(within(stream).getByText('Hello')).toBeTruthy()
    expect(within(stream).getByRole('button', { name: 'Stop' })).toBeTruthy()
  })

  it('a system message that arrives (a member ran /model) has the room reloaded', () => {
    const { rerender, onRoomChanged } = renderRoom({ room: roomState({ messages: [message(1), message(2, { kind: 'system', sender: 'system' })] }) })
    expect(onRoomChanged).not.toHaveBeenCalled()
    rerender({ room: roomState({ messages: [message(1), message(2, { kind: 'system', sender: 'system' }), message(3)] }) })
    expect(onRoomChanged).not.toHaveBeenCalled()
    const announced = message(4, { kind: 'system', sender: 'system', text: "bob set the assistant's model to anthropic/claude" })
    rerender({ room: roomState({ messages: [message(1), message(2, { kind: 'system', sender: 'system' }), message(3), announced] }) })
    expect(onRoomChanged).toHaveBeenCalledOnce()
    expect(screen.getByText("bob set the assistant's model to anthropic/claude")).toBeTruthy()
  })

  it('shows own messages as sending or failed, with Retry and Discard on a failed one', async () => {
    const { client, user } = renderRoom({
      room: roomState({
        outgoing: [
          { clientId: 'c1', room: 'general', text: 'on its way', status: 'sending' },
          { clientId: 'c2', room: 'general', text: 'too long', status: 'failed', error: 'message too long' },
        ],
      }),
    })
    const retry = vi.spyOn(client, 'retry')
    const discard = vi.spyOn(client, 'discard')
    const log = screen.getByRole('log', { name: 'Messages' })
    expect(log.querySelector('[data-client-id="c1"] [data-status="sending"]')).toBeTruthy()
    const failed = log.querySelector('[data-client-id="c2"]') as HTMLElement
    expect(within(failed).getByText('message too long')).toBeTruthy()
    await user.click(within(failed).getByRole('button', { name: 'Retry' }))
    expect(retry).toHaveBeenCalledWith('general', 'c2')
    await user.click(within(failed).getByRole('button', { name: 'Discard' }))
    expect(discard).toHaveBeenCalledWith('general', 'c2')
  })

  it('says when the user was taken out of the room, and offers no settings then', () => {
    renderRoom({ room: roomState({ removed: true, joined: false }) })
    expect(screen.getByRole('alert').textContent).toContain('You are no longer in #general')
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull()
    expect(picker().disabled).toBe(true)
  })
})
