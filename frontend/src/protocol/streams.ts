// Assistant replies being streamed: from `assistant_start` to the final `message` with the same turnId.

import type { ServerFrame } from './types'

/** The name a stream is shown under when the server does not say (SPEC §2's default ASSISTANT_NAME). */
export const DEFAULT_ASSISTANT_NAME = 'assistant'

export interface AssistantStream {
  turnId: string
  /** Who replies: `assistant_start.sender`, the server's configured assistant name. */
  sender: string
  model?: string
  replyTo?: number
  queuePosition?: number
  text: string
  error?: { code: string; message: string }
}

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>

/**
 * A start (re)starts the turn's text: after a join or a reconnect mid-turn the server sends the start again
 * followed by everything streamed so far, so what was held before must not be kept.
 */
export function started(f: Frame<'assistant_start'>): AssistantStream {
  const s: AssistantStream = { turnId: f.turnId, sender: f.sender || DEFAULT_ASSISTANT_NAME, model: f.model, replyTo: f.replyTo, text: '' }
  if (f.queuePosition !== undefined) s.queuePosition = f.queuePosition
  return s
}

/** The next piece of text; the turn is no longer queued. */
export function appended(s: AssistantStream | undefined, f: Frame<'assistant_delta'>): AssistantStream {
  const { queuePosition: _queued, ...rest } = s ?? { turnId: f.turnId, sender: DEFAULT_ASSISTANT_NAME, text: '' }
  return { ...rest, text: rest.text + f.text }
}

export function failed(s: AssistantStream | undefined, f: Frame<'assistant_error'>): AssistantStream {
  const base = s ?? { turnId: f.turnId, sender: DEFAULT_ASSISTANT_NAME, text: '' }
  return { ...base, error: { code: f.code, message: f.message } }
}
