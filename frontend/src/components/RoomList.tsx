import { useState, type FormEvent } from 'react'
import { api, ApiError, ROOM_PATTERN, type RoomInfo } from '../api'
import { commaList } from '../text'
import { RoomFields, type RoomFieldValues } from './RoomFields'

interface Props {
  rooms: RoomInfo[] | null
  current: string | null
  /** Online counts known live (rooms this client has joined), newer than the list's. */
  liveOnline: Readonly<Record<string, number>>
  token: string
  onRefresh: () => void
  onOpen: (room: string) => void
}

export function RoomList({ rooms, current, liveOnline, token, onRefresh, onOpen }: Props) {
  return (
    <nav className="rooms" aria-label="Rooms">
      <div className="rooms-head">
        <h2>Rooms</h2>
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {rooms === null ? (
        <p className="muted">Loading…</p>
      ) : rooms.length === 0 ? (
        <p className="muted">No rooms yet: create one.</p>
      ) : (
        <ul>
          {rooms.map((r) => (
            <li key={r.name}>
              <a href={`#/room/${encodeURIComponent(r.name)}`} aria-current={r.name === current ? 'page' : undefined}>
                <span className="room-name">#{r.name}</span>
                {r.private && <span className="badge">private</span>}
                <span className="online" title="online now">
                  {liveOnline[r.name] ?? r.online ?? 0} online
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <details className="create-room">
        <summary>New room</summary>
        <CreateRoomForm
          token={token}
          onCreated={(name) => {
            onRefresh()
            onOpen(name)
          }}
        />
      </details>
    </nav>
  )
}

function CreateRoomForm({ token, onCreated }: { token: string; onCreated: (name: string) => void }) {
  const empty: RoomFieldValues = { description: '', tags: '', members: '', assistant: 'mention' }
  const [name, setName] = useState('')
  const [fields, setFields] = useState<RoomFieldValues>(empty)
  const [isPrivate, setPrivate] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.createRoom(token, {
        name,
        description: fields.description || undefined,
        tags: commaList(fields.tags),
        private: isPrivate,
        assistant: fields.assistant,
        members: isPrivate ? commaList(fields.members) : undefined,
      })
      setName('')
      setFields({ ...empty, assistant: fields.assistant })
      onCreated(name)
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? 'A room with this name already exists.'
          : err instanceof Error
            ? err.message
            : 'Could not create the room.',
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} className="stack">
      <label>
        Room name
        <input
          required
          pattern={ROOM_PATTERN}
          title="lower-case letters, digits, '_' and '-', starting with a letter or digit"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <RoomFields values={fields} onChange={(c) => setFields({ ...fields, ...c })} showMembers={isPrivate}>
        <label className="inline">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
          Private
        </label>
      </RoomFields>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Create room
      </button>
    </form>
  )
}
