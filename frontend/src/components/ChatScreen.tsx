import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { api, ApiError, type ModelList, type RoomInfo, type Session } from '../api'
import { localOutbox, ParleyClient, type ConnectionState } from '../protocol/client'
import { RoomList } from './RoomList'
import { RoomView } from './RoomView'

const ROOM_HASH = /^#\/room\/(.+)$/

function roomFromHash(): string | null {
  const m = ROOM_HASH.exec(window.location.hash)
  return m ? decodeURIComponent(m[1]) : null
}

/** The open room lives in the URL hash (#/room/<name>), so a reload comes back to it. */
function useHashRoom(): [string | null, (room: string) => void] {
  const [room, setRoom] = useState(roomFromHash)
  useEffect(() => {
    const onChange = () => setRoom(roomFromHash())
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  const open = useCallback((r: string) => {
    window.location.hash = `#/room/${encodeURIComponent(r)}`
  }, [])
  return [room, open]
}

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
}

export function ChatScreen({ session, onLogout }: { session: Session; onLogout: () => void }) {
  // Unsent messages are kept in this browser per user: a reload, a closed tab or an expired token loses none
  // of them; they go out (once, by clientId) when the user is back. Logging out on purpose forgets them.
  const [outbox] = useState(() => localOutbox(`parley.outbox.${session.user.username}`))
  const [client] = useState(
    () =>
      new ParleyClient({
        baseUrl: window.location.origin,
        getToken: () => session.token,
        username: session.user.username,
        onUnauthorized: onLogout,
        outbox,
      }),
  )
  const logOut = () => {
    client.stop()
    outbox.save([])
    onLogout()
  }
  const snap = useSyncExternalStore(client.subscribe, client.getSnapshot)
  const [current, open] = useHashRoom()
  const [rooms, setRooms] = useState<RoomInfo[] | null>(null)
  const [roomsError, setRoomsError] = useState<string | null>(null)
  const [models, setModels] = useState<ModelList | null>(null)

  useEffect(() => {
    client.start()
    const online = () => client.reconnectNow()
    window.addEventListener('online', online)
    return () => {
      window.removeEventListener('online', online)
      client.stop()
    }
  }, [client])

  // The room list is loaded now, every 30 s, and whenever `roomsVersion` is bumped.
  const [roomsVersion, setRoomsVersion] = useState(0)
  const refreshRooms = useCallback(() => setRoomsVersion((v) => v + 1), [])
  // A room changed: show the server's answer at once (when there is one), and reload the list.
  const roomChanged = useCallback(
    (updated?: RoomInfo) => {
      if (updated) setRooms((list) => list?.map((r) => (r.name === updated.name ? { ...r, ...updated } : r)) ?? list)
      refreshRooms()
    },
    [refreshRooms],
  )
  useEffect(() => {
    let live = true
    const load = () =>
      api.rooms(session.token).then(
        (list) => {
          if (!live) return
          setRooms(list)
          setRoomsError(null)
        },
        (e: unknown) => {
          if (!live) return
          if (e instanceof ApiError && e.status === 401) onLogout()
          else setRoomsError('Could not load the room list.')
        },
      )
    void load()
    const timer = setInterval(load, 30_000)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [session.token, onLogout, roomsVersion])

  useEffect(() => {
    api.models(session.token).then(setModels, () => setModels(null))
  }, [session.token])

  useEffect(() => {
    if (current) client.join(current)
  }, [client, current])

  const room = current ? snap.rooms[current] : undefined
  const info = rooms?.find((r) => r.name === current)

  // Joining a room that the list does not show yet (one just created by joining it) reloads the list once.
  const [listedAfterJoin, setListedAfterJoin] = useState<string | null>(null)
  useEffect(() => {
    if (current && room?.joined && rooms && !info && listedAfterJoin !== current) {
      setListedAfterJoin(current)
      refreshRooms()
    }
  }, [current, room?.joined, rooms, info, listedAfterJoin, refreshRooms])
  // Taken out of the open room by the server (deleted, or no longer a member): the list changed too.
  const removed = room?.removed ?? false
  useEffect(() => {
    if (removed) refreshRooms()
  }, [removed, refreshRooms])
  const liveOnline = useMemo(() => {
    const counts: Record<string, number> = {}
    for (const r of Object.values(snap.rooms)) {
      if (r.joined) counts[r.name] = r.members.filter((m) => m.status === 'online').length
    }
    return counts
  }, [snap.rooms])

  return (
    <div className="app">
      <header className="top">
        <h1>Parley</h1>
        <div className="connection" role="status" data-state={snap.connection}>
          <span className="dot" aria-hidden="true" />
          {CONNECTION_LABEL[snap.connection]}
          {snap.connection === 'reconnecting' && snap.nextRetryAt !== null && (
            <button type="button" className="link" onClick={() => client.reconnectNow()}>
              Reconnect now
            </button>
          )}
        </div>
        <div className="me">
          <span>{session.user.username}</span>
          <button type="button" onClick={logOut}>
            Log out
          </button>
        </div>
      </header>
      {snap.errors.length > 0 && (
        <ul className="errors" aria-label="Errors">
          {snap.errors.map((e) => (
            <li key={e.id} role="alert">
              {e.message} <span className="muted">({e.code})</span>
              <button type="button" className="link" onClick={() => client.dismissError(e.id)}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="layout">
        <RoomList
          rooms={rooms}
          current={current}
          liveOnline={liveOnline}
          token={session.token}
          onRefresh={refreshRooms}
          onOpen={open}
        />
        {roomsError && (
          <p role="alert" className="error">
            {roomsError}
          </p>
        )}
        <main className="main">
          {room ? (
            <RoomView
              key={room.name}
              client={client}
              room={room}
              info={info}
              models={models}
              me={session.user.username}
              admin={session.user.roles.includes('admin')}
              token={session.token}
              onRoomChanged={roomChanged}
            />
          ) : (
            <p className="placeholder">Choose a room on the left, or create one.</p>
          )}
        </main>
      </div>
    </div>
  )
}
