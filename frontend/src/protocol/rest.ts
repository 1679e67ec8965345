// The protocol client's REST calls: the WebSocket ticket and history pages (SPEC §3).

import type { HistoryPage } from './types'

/** The server refused the token (HTTP 401): the user must sign in again. */
export class Unauthorized extends Error {
  constructor() {
    super('unauthorized')
  }
}

export interface Rest {
  /** A single-use ticket for one WebSocket handshake (`POST /api/auth/ticket`). */
  ticket(): Promise<string>
  /** A page of `room`'s history, `limit` messages just below seq `before` (the newest without it). */
  history(room: string, limit: number, before?: number): Promise<HistoryPage>
}

export function rest(baseUrl: string, getToken: () => string | null, fetchFn: typeof fetch): Rest {
  const headers = (): Record<string, string> => {
    const token = getToken()
    return token ? { Authorization: `Bearer ${token}` } : {}
  }
  const call = async <T>(what: string, path: string, init: RequestInit): Promise<T> => {
    const res = await fetchFn(`${baseUrl}${path}`, { ...init, headers: headers() })
    if (res.status === 401) throw new Unauthorized()
    if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`)
    return (await res.json()) as T
  }
  return {
    ticket: async () => (await call<{ ticket: string }>('ticket', '/api/auth/ticket', { method: 'POST' })).ticket,
    history: (room, limit, before) => {
      const params = new URLSearchParams({ limit: String(limit) })
      if (before !== undefined) params.set('before', String(before))
      return call<HistoryPage>('history', `/api/rooms/${encodeURIComponent(room)}/messages?${params}`, {})
    },
  }
}
