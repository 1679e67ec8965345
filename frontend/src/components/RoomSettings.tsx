import { useState, type FormEvent } from 'react'
import { api, type AssistantMode, type RoomInfo } from '../api'
import { commaList } from '../text'

interface Props {
  info: RoomInfo
  token: string
  onSaved: () => void
  onDeleted: () => void
  onClose: () => void
}

/** The owner's (or an admin's) form for a room: description, tags, assistant mode, members; and deleting it. */
export function RoomSettings({ info, token, onSaved, onDeleted, onClose }: Props) {
  const [description, setDescription] = useState(info.description ?? '')
  const [tags, setTags] = useState((info.tags ?? []).join(', '))
  const [assistant, setAssistant] = useState<AssistantMode>(info.assistant ?? 'mention')
  const [members, setMembers] = useState((info.members ?? []).filter((m) => m !== info.owner).join(', '))
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
          description,
          tags: commaList(tags),
          assistant,
          members: info.private ? commaList(members) : undefined,
        }),
      onSaved,
    )
  }

  return (
    <form onSubmit={save} className="stack settings" aria-label="Room settings">
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        Tags (comma separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      {info.private && (
        <label>
          Members (comma separated)
          <input value={members} onChange={(e) => setMembers(e.target.value)} />
        </label>
      )}
      <label>
        Assistant
        <select value={assistant} onChange={(e) => setAssistant(e.target.value as AssistantMode)}>
          <option value="mention">When mentioned (@assistant)</option>
          <option value="always">Every message</option>
          <option value="off">Off</option>
        </select>
      </label>
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
