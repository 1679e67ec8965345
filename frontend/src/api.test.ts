import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ROOMS_PAGE, type RoomInfo } from './api'

const room = (name: string): RoomInfo => ({ name, private: false })
const names = (from: number, count: number) => Array.from({ length: count }, (_, i) => `r${String(from + i).padStart(4, '0')}`)

/** A server holding `all` rooms that pages them as SPEC §3 says; records the URLs asked for. */
function pagingServer(all: string[]) {
  const urls: string[] = []
  const fetchFn = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://chat.test')
    urls.push(`${url.pathname}${url.search}`)
    const after = url.searchParams.get('after')
    const limit = Number(url.searchParams.get('limit') ?? 200)
    const page = all.filter((n) => after === null || n > after).slice(0, limit)
    return { ok: true, status: 200, json: async () => page.map(room) } as Response
  })
  vi.stubGlobal('fetch', fetchFn)
  return urls
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the room list', () => {
  it('pages through every room, following after = the last name of each full page', async () => {
    const all = names(0, 2 * ROOMS_PAGE + 3)
    const urls = pagingServer(all)
    const rooms = await api.rooms('jwt')
    expect(rooms.map((r) => r.name)).toEqual(all)
    expect(urls).toEqual([
      `/api/rooms?limit=${ROOMS_PAGE}`,
      `/api/rooms?limit=${ROOMS_PAGE}&after=${all[ROOMS_PAGE - 1]}`,
      `/api/rooms?limit=${ROOMS_PAGE}&after=${all[2 * ROOMS_PAGE - 1]}`,
    ])
  })

  it('a full last page costs one more request, which comes back empty', async () => {
    const all = names(0, ROOMS_PAGE)
    const urls = pagingServer(all)
    expect((await api.rooms('jwt')).map((r) => r.name)).toEqual(all)
    expect(urls).toHaveLength(2)
  })

  it('stops when a server that ignores paging sends the same rooms again', async () => {
    const all = names(0, ROOMS_PAGE + 50)
    const fetchFn = vi.fn(async () => ({ ok: true, status: 200, json: async () => all.map(room) }) as Response)
    vi.stubGlobal('fetch', fetchFn)
    expect((await api.rooms('jwt')).map((r) => r.name)).toEqual(all)
    expect(fetchFn).toHaveBeenCalledTimes(2)
  })
})
