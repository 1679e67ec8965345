import { useId, useRef, useState, type KeyboardEvent } from 'react'
import { commandHints } from '../text'

interface Props {
  room: string
  modelIds: readonly string[]
  onSend: (text: string) => void
  onTyping: () => void
  onStopTyping: () => void
}

export function Composer({ room, modelIds, onSend, onTyping, onStopTyping }: Props) {
  const [draft, setDraft] = useState('')
  const box = useRef<HTMLTextAreaElement>(null)
  const hintsId = useId()
  const hints = commandHints(draft, modelIds)

  const send = () => {
    const text = draft.replace(/\s+$/, '')
    if (!text.trim()) return
    onSend(text)
    setDraft('')
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      send()
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault()
        send()
      }}
    >
      {hints.length > 0 && (
        <ul className="hints" id={hintsId} aria-label="Commands">
          {hints.map((h) => (
            <li key={h.label}>
              <button
                type="button"
                onClick={() => {
                  setDraft(h.insert)
                  box.current?.focus()
                }}
              >
                <code>{h.label}</code>
              </button>{' '}
              <span className="muted">{h.description}</span>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={`message-${room}`} className="visually-hidden">
        Message
      </label>
      <textarea
        id={`message-${room}`}
        ref={box}
        rows={2}
        value={draft}
        placeholder={`Message #${room} (Enter sends, Shift+Enter for a new line, / for commands)`}
        aria-describedby={hints.length ? hintsId : undefined}
        onChange={(e) => {
          setDraft(e.target.value)
          if (e.target.value) onTyping()
          else onStopTyping()
        }}
        onKeyDown={onKeyDown}
        onBlur={onStopTyping}
      />
      <button type="submit">Send</button>
    </form>
  )
}
