// REST calls of the UI (auth, rooms, models, export). The protocol client does its own
// ticket and history requests; both talk to the same origin.

export interface User {
  username: string
  roles: string[]
}

export interface Session {
  token: string
  expiresAt: string
  user: User
}

export type AssistantMode = 'mention' | 'always' | 'off'

export interface RoomInfo {
  name: string
  /** Fixed when the room is created (SPEC §2 "Room epoch"). */
  epoch?: number
  description?: string | null
  tags?: string[] | null
  private: boolean
  assistant?: AssistantMode
  model?: string | null
  owner?: string
  lastSeq?: number
  online?: number
  /** Shown to members (and admins) only. */
  members?: string[] | null
}

/** What the owner (or an admin) may change in a room; absent fields stay as they are. */
export interface RoomChanges {
  description?: string
  tags?: string[]
  assistant?: AssistantMode
  /** The assistant's model (`provider/model`). */
  model?: string
  members?: string[]
}

export interface NewRoom {
  name: string
  description?: string
  tags?: string[]
  private?: boolean
  assistant?: AssistantMode
  members?: string[]
}

export interface ModelInfo {
  id: string
  provider: string
  available: boolean
}

export interface ModelList {
  default: string
  models: ModelInfo[]
}

export class ApiError extends Error {
  readonly status: number
  readonly code?: string
  constructor(status: number, message: string, code?: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

async function request<T>(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {}
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`.trim()
    let code: string | undefined
    try {
      const err = (await res.json()) as { error?: string; code?: string }
      if (err.error) message = err.error
      code = err.code
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, message, code)
  }
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** The page size asked of `GET /api/rooms` (the server's default; SPEC §3 allows up to 1000). */
export const ROOMS_PAGE = 200

function roomsQuery(after: string | undefined): URLSearchParams {
  const params = new URLSearchParams({ limit: String(ROOMS_PAGE) })
  if (after !== undefined) params.set('after', after)
  return params
}

/**
 * Follows the pages of the room list: the next page starts after the last name of a full page. A page that
 * brings no new name ends it too (a server that ignores `after` would otherwise be asked forever).
 */
export async function allRooms(page: (after: string | undefined) => Promise<RoomInfo[]>): Promise<RoomInfo[]> {
  const rooms = new Map<string, RoomInfo>()
  let after: string | undefined
  for (;;) {
    const list = await page(after)
    const before = rooms.size
    for (const r of list) if (!rooms.has(r.name)) rooms.set(r.name, r)
    if (list.length < ROOMS_PAGE || rooms.size === before) return [...rooms.values()]
    after = list[list.length - 1].name
  }
}

export const api = {
  register: (username: string, password: string) =>
    request<Session>('/api/auth/register', { method: 'POST', body: { username, password } }),
  login: (username: string, password: string) =>
    request<Session>('/api/auth/login', { method: 'POST', body: { username, password } }),
  /** Every room the caller may see, by name, fetched page by page (SPEC §3 `after`/`limit`). */
  rooms: (token: string) => allRooms((after) => request<RoomInfo[]>(`/api/rooms?${roomsQuery(after)}`, { token })),
  createRoom: (token: string, room: NewRoom) => request<RoomInfo>('/api/rooms', { method: 'POST', token, body: room }),
  updateRoom: (token: string, name: string, changes: RoomChanges) =>
    request<RoomInfo>(`/api/rooms/${encodeURIComponent(name)}`, { method: 'PATCH', token, body: changes }),
  deleteRoom: (token: string, name: string) =>
    request<void>(`/api/rooms/${encodeURIComponent(name)}`, { method: 'DELETE', token }),
  /** The model list, or null when the server has no such endpoint. */
  models: async (token: string): Promise<ModelList | null> => {
    try {
      return await request<ModelList>('/api/llm/models', { token })
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return null
      throw e
    }
  },
  /** Downloads the room's transcript as JSON Lines (with the token, so not a plain link). */
  exportRoom: async (token: string, room: string): Promise<Blob> => {
    const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/export?format=jsonl`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    if (!res.ok) throw new ApiError(res.status, `Export failed (${res.status})`)
    return res.blob()
  },
}

const SESSION_KEY = 'parley.session'

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null
    if (!s?.token || !s.user?.username) return null
    if (s.expiresAt && Date.parse(s.expiresAt) <= Date.now()) return null
    return s
  } catch {
    return null
  }
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s))
  else localStorage.removeItem(SESSION_KEY)
}

export const USERNAME_PATTERN = '^[A-Za-z0-9_.\\-]{3,32}$'
export const ROOM_PATTERN = '^[a-z0-9][a-z0-9_\\-]{0,63}$'
