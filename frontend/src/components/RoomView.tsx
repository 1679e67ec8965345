import { Fragment, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { api, type ModelList, type RoomInfo } from '../api'
import type { AssistantStream, Notice, OutgoingMessage, ParleyClient, RoomView as RoomState } from '../protocol/client'
import type { ChatMessage, Member } from '../protocol/types'
import { Composer } from './Composer'
import { Markdown } from './Markdown'
import { RoomSettings } from './RoomSettings'
import { clockTime, typingText } from '../text'

interface Props {
  client: ParleyClient
  room: RoomState
  info: RoomInfo | undefined
  models: ModelList | null
  me: string
  /** An admin may manage every room. */
  admin: boolean
  token: string
  /**
   * The room changed (settings saved, deleted, model set, or a member's command announced): the room list is out
   * of date. `updated` is the room as the server answered a change, when there is one.
   */
  onRoomChanged: (updated?: RoomInfo) => void
}

export function RoomView({ client, room, info, models, me, admin, token, onRoomChanged }: Props) {
  const name = room.name
  const [toolError, setToolError] = useState<string | null>(null)
  const [settingModel, setSettingModel] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const canManage = !!info && (admin || info.owner === me)

  const exportRoom = async () => {
    setToolError(null)
    try {
      const blob = await api.exportRoom(token, name)
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = `${name}.jsonl`
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (e) {
      setToolError((e as Error).message)
    }
  }

  // The room's model is the server's: the picker sets it there (owner or admin) and shows what the server says.
  const setModel = async (model: string) => {
    setToolError(null)
    setSettingModel(model)
    try {
      onRoomChanged(await api.updateRoom(token, name, { model }))
    } catch (e) {
      setToolError(`The model could not be set: ${(e as Error).message}`)
    } finally {
      setSettingModel(null)
    }
  }

  // A system message (another member's /model, /clear) may have changed the room: have the list reloaded.
  const newestSystem = newestSystemSeq(room.messages)
  const seenSystem = useRef<number | null>(null)
  useEffect(() => {
    if (!room.joined) return
    if (seenSystem.current !== null && newestSystem > seenSystem.current) onRoomChanged()
    seenSystem.current = newestSystem
  }, [room.joined, newestSystem, onRoomChanged])

  const modelIds = models?.models.map((m) => m.id) ?? []
  const currentModel = settingModel ?? info?.model ?? models?.default ?? ''

  return (
    <section className="room" aria-label={`Room ${name}`}>
      <header className="room-head">
        <div>
          <h2>#{name}</h2>
          {info?.description && <p className="muted">{info.description}</p>}
        </div>
        <div className="room-tools">
          {models && models.models.length > 0 && (
            <label>
              Model{' '}
              <select
                value={currentModel}
                disabled={!canManage || room.removed || settingModel !== null}
                title={canManage ? undefined : "Only the room's owner or an admin can change its model"}
                onChange={(e) => void setModel(e.target.value)}
              >
                {!modelIds.includes(currentModel) && currentModel && <option value={currentModel}>{currentModel}</option>}
                {models.models.map((m) => (
                  <option key={m.id} value={m.id} disabled={!m.available}>
                    {m.id}
                    {m.available ? '' : ' (unavailable)'}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={exportRoom}>
            Export
          </button>
          {canManage && !room.removed && (
            <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
              Settings
            </button>
          )}
        </div>
        {toolError && (
          <p role="alert" className="error">
            {toolError}
          </p>
        )}
        {editing && info && (
          <RoomSettings
            info={info}
            token={token}
            onClose={() => setEditing(false)}
            onSaved={() => {
              setEditing(false)
              onRoomChanged()
            }}
            onDeleted={() => {
              setEditing(false)
              onRoomChanged()
            }}
          />
        )}
      </header>
      {room.removed && (
        <p className="notice" role="alert">
          You are no longer in #{name}: the room was deleted, or you were removed from its members.
        </p>
      )}
      <div className="room-body">
        <Timeline client={client} room={room} me={me} />
        <Members members={room.members} />
      </div>
      <p className="typing" aria-live="polite">
        {typingText(room.typing)}
      </p>
      <Composer
        room={name}
        modelIds={modelIds}
        onSend={(text) => client.sendMessage(name, text)}
        onTyping={() => client.typing(name)}
        onStopTyping={() => client.stopTyping(name)}
      />
    </section>
  )
}

function newestSystemSeq(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].kind === 'system') return messages[i].seq
  return 0
}

function Members({ members }: { members: readonly Member[] }) {
  const sorted = [...members].sort(
    (a, b) => (a.status === b.status ? a.user.localeCompare(b.user) : a.status === 'online' ? -1 : 1),
  )
  return (
    <aside className="members" aria-label="Who's here">
      <h3>Who's here</h3>
      <ul>
        {sorted.map((m) => (
          <li key={m.user} className={m.status} data-user={m.user} data-status={m.status}>
            <span className="dot" aria-hidden="true" /> {m.user}
            <span className="visually-hidden"> ({m.status})</span>
          </li>
        ))}
      </ul>
    </aside>
  )
}

function Timeline({ client, room, me }: { client: ParleyClient; room: RoomState; me: string }) {
  const scroller = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const fromBottom = useRef(0)
  const firstSeq = useRef<number | undefined>(undefined)

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    fromBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight
    stick.current = fromBottom.current < 40
  }

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const first = room.messages[0]?.seq
    if (firstSeq.current !== undefined && first !== undefined && first < firstSeq.current && !stick.current) {
      // older history was put above: keep what the reader was looking at in place
      el.scrollTop = el.scrollHeight - el.clientHeight - fromBottom.current
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight
    }
    firstSeq.current = first
  }, [room.messages, room.outgoing, room.streams, room.notices])

  const notices = new Map<number, Notice[]>()
  const seqs = new Set(room.messages.map((m) => m.seq))
  const trailing: Notice[] = []
  for (const n of room.notices) {
    if (seqs.has(n.afterSeq)) notices.set(n.afterSeq, [...(notices.get(n.afterSeq) ?? []), n])
    else trailing.push(n)
  }
  const noticeItems = (list: Notice[] | undefined) =>
    list?.map((n) => <NoticeItem key={`n${n.id}`} notice={n} onDismiss={() => client.dismissNotice(room.name, n.id)} />)

  return (
    <div className="timeline" ref={scroller} onScroll={onScroll}>
      {room.missedHistory && (
        <p className="notice" role="status">
          You were away for a while: more messages were missed than could be caught up at once.
        </p>
      )}
      {room.hasOlder && (
        <button type="button" className="older" disabled={room.loadingOlder} onClick={() => void client.loadOlder(room.name)}>
          {room.loadingOlder ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      {room.joined && !room.hasOlder && room.messages.length + room.outgoing.length + room.streams.length === 0 && (
        <p className="muted">No messages yet. Say hello!</p>
      )}
      <ol className="messages" role="log" aria-label="Messages" aria-live="polite">
        {room.messages.map((m) => (
          <Fragment key={m.id}>
            <MessageItem message={m} mine={m.sender === me && m.kind === 'user'} />
            {noticeItems(notices.get(m.seq))}
          </Fragment>
        ))}
        {noticeItems(trailing)}
        {room.streams.map((s) => (
          <StreamItem
            key={s.turnId}
            stream={s}
            onCancel={() => client.cancelTurn(room.name, s.turnId)}
            onDismiss={() => client.dismissStream(room.name, s.turnId)}
          />
        ))}
        {room.outgoing.map((o) => (
          <OutgoingItem
            key={o.clientId}
            message={o}
            me={me}
            onRetry={() => client.retry(room.name, o.clientId)}
            onDiscard={() => client.discard(room.name, o.clientId)}
          />
        ))}
      </ol>
    </div>
  )
}

function Meta({ sender, ts, children }: { sender: string; ts?: string; children?: ReactNode }) {
  return (
    <div className="meta">
      <span className="sender">{sender}</span>
      {ts && <time dateTime={ts}>{clockTime(ts)}</time>}
      {children}
    </div>
  )
}

function MessageItem({ message: m, mine }: { message: ChatMessage; mine: boolean }) {
  return (
    <li className={`msg ${m.kind}${mine ? ' mine' : ''}`} data-seq={m.seq} data-kind={m.kind} data-sender={m.sender}>
      <Meta sender={m.sender} ts={m.ts}>
        {m.kind === 'assistant' && m.model && <span className="model">{m.model}</span>}
        {m.cached && <span className="badge">cached</span>}
        {m.cancelled && <span className="badge">stopped</span>}
        {mine && (
          <span className="status" data-status="delivered">
            delivered
          </span>
        )}
      </Meta>
      {m.kind === 'assistant' ? <Markdown text={m.text} /> : <p className="text">{m.text}</p>}
    </li>
  )
}

function OutgoingItem(props: { message: OutgoingMessage; me: string; onRetry: () => void; onDiscard: () => void }) {
  const { message: o, me, onRetry, onDiscard } = props
  return (
    <li className={`msg user mine ${o.status}`} data-client-id={o.clientId}>
      <Meta sender={me}>
        <span className="status" data-status={o.status}>
          {o.status === 'sending' ? 'sending…' : 'failed'}
        </span>
      </Meta>
      <p className="text">{o.text}</p>
      {o.status === 'failed' && (
        <div className="actions">
          {o.error && <span className="error">{o.error}</span>}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
          <button type="button" onClick={onDiscard}>
            Discard
          </button>
        </div>
      )}
    </li>
  )
}

function StreamItem(props: { stream: AssistantStream; onCancel: () => void; onDismiss: () => void }) {
  const { stream: s, onCancel, onDismiss } = props
  return (
    <li className="msg assistant streaming" data-turn-id={s.turnId} data-streaming={s.error ? undefined : 'true'} aria-busy={!s.error}>
      <Meta sender={s.sender}>
        {s.model && <span className="model">{s.model}</span>}
        {!s.error && (
          <span className="status">
            {s.queuePosition ? `queued (${s.queuePosition} ahead)` : s.text ? 'replying…' : 'thinking…'}
          </span>
        )}
      </Meta>
      {s.text && <Markdown text={s.text} />}
      {s.error ? (
        <div className="actions">
          <span role="alert" className="error">
            Assistant error ({s.error.code}): {s.error.message}
          </span>
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      ) : (
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Stop
          </button>
        </div>
      )}
    </li>
  )
}

function NoticeItem({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  return (
    <li className="msg notice" data-command={notice.command}>
      <Meta sender={`/${notice.command.replace(/^\//, '')}`}>
        <span className="muted">only you can see this</span>
      </Meta>
      <p className="text">{notice.text}</p>
      <div className="actions">
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </li>
  )
}
