// Pure helpers for what the UI shows.

export const COMMANDS = [
  { name: '/help', usage: '/help', description: 'list the commands' },
  { name: '/models', usage: '/models', description: 'list the models the assistant can use' },
  { name: '/model', usage: '/model <id>', description: "set this room's model" },
  { name: '/clear', usage: '/clear', description: 'start a fresh assistant context (history is kept)' },
  { name: '/who', usage: '/who', description: 'who is in this room' },
]

export interface CommandHint {
  /** What choosing the hint puts in the message box. */
  insert: string
  label: string
  description: string
}

/** The hints for a draft: commands matching what is typed after "/", or model ids after "/model ". */
export function commandHints(draft: string, modelIds: readonly string[]): CommandHint[] {
  if (!draft.startsWith('/') || draft.includes('\n')) return []
  const modelArg = /^\/model\s+(\S*)$/.exec(draft)
  if (modelArg) {
    return modelIds
      .filter((id) => id.startsWith(modelArg[1]))
      .map((id) => ({ insert: `/model ${id}`, label: `/model ${id}`, description: 'use this model' }))
  }
  const word = draft.split(/\s/)[0]
  return COMMANDS.filter((c) => c.name.startsWith(word)).map((c) => ({
    insert: c.usage.includes('<') ? `${c.name} ` : c.name,
    label: c.usage,
    description: c.description,
  }))
}

export function typingText(users: readonly string[]): string {
  if (users.length === 0) return ''
  if (users.length === 1) return `${users[0]} is typing…`
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`
  return `${users.length} people are typing…`
}

export function clockTime(ts: string): string {
  const d = new Date(ts)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** "a, b ,, c" → ["a", "b", "c"]: the comma-separated fields of the room forms. */
export function commaList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
}
