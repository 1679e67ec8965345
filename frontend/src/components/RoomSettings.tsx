import { useState, type FormEvent } from 'react'
import { api, type RoomInfo } from '../api'
import { commaList } from '../text'
import { RoomFields, type RoomFieldValues } from './RoomFields'

interface Props {
  info: RoomInfo
  token: string
  onSaved: () => void
  onDeleted: () => void
  onClose: () => void
}

/** The owner's (or an admin's) form for a room: description, tags, assistant mode, members; and deleting it. */
export function RoomSettings({ info, token, onSaved, onDeleted, onClose }: Props) {
  const [fields, setFields] = useState<RoomFieldValues>({
    description: info.description ?? '',
    tags: (info.tags ?? []).join(', '),
    members: (info.members ?? []).filter((m) => m !== info.owner).join(', '),
    assistant: info.assistant ?? 'mention',
  })
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (action: () => Promise<unknown>, done: () => void) => {
    setBusy(true)
    setError(null)
    try {
      await action()
      done()
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The room could not be changed.')
    } finally {
      setBusy(false)
    }
  }

  const save = (e: FormEvent) => {
    e.preventDefault()
    void run(
      () =>
        api.updateRoom(token, info.name, {
          description: fields.description,
          tags: commaList(fields.tags),
          assistant: fields.assistant,
          members: info.private ? commaList(fields.members) : undefined,
        }),
      onSaved,
    )
  }

  return (
    <form onSubmit={save} className="stack settings" aria-label="Room settings">
      <RoomFields values={fields} onChange={(c) => setFields({ ...fields, ...c })} showMembers={info.private} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        {confirmDelete ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void run(() => api.deleteRoom(token, info.name), onDeleted)}>
            Delete #{info.name} and its history
          </button>
        ) : (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
            Delete room
          </button>
        )}
      </div>
    </form>
  )
}
