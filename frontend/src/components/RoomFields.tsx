import type { ReactNode } from 'react'
import type { AssistantMode } from '../api'

/** What the room forms (create, settings) edit, as typed: tags and members comma separated. */
export interface RoomFieldValues {
  description: string
  tags: string
  members: string
  assistant: AssistantMode
}

interface Props {
  values: RoomFieldValues
  onChange: (changed: Partial<RoomFieldValues>) => void
  /** Members are asked for only in a private room. */
  showMembers: boolean
  /** Shown between the tags and the members (the create form's "Private" box). */
  children?: ReactNode
}

/** The fields the room creation form and the room settings share. */
export function RoomFields({ values, onChange, showMembers, children }: Props) {
  return (
    <>
      <label>
        Description
        <input value={values.description} onChange={(e) => onChange({ description: e.target.value })} />
      </label>
      <label>
        Tags (comma separated)
        <input value={values.tags} onChange={(e) => onChange({ tags: e.target.value })} />
      </label>
      {children}
      {showMembers && (
        <label>
          Members (comma separated)
          <input value={values.members} onChange={(e) => onChange({ members: e.target.value })} />
        </label>
      )}
      <label>
        Assistant
        <select value={values.assistant} onChange={(e) => onChange({ assistant: e.target.value as AssistantMode })}>
          <option value="mention">When mentioned (@assistant)</option>
          <option value="always">Every message</option>
          <option value="off">Off</option>
        </select>
      </label>
    </>
  )
}
