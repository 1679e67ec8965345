// Wire types of the Parley protocol (shared/SPEC.md §2). Field names are the JSON names.

export type MessageKind = 'user' | 'assistant' | 'system'
export type PresenceStatus = 'online' | 'offline'

export interface Usage {
  inputTokens: number
  outputTokens: number
}

/** A stored message: the `message` frame, an entry of `joined.messages` and of REST history. */
export interface ChatMessage {
  room: string
  id: number
  seq: number
  clientId?: string
  sender: string
  kind: MessageKind
  text: string
  ts: string
  model?: string
  turnId?: string
  cached?: boolean
  usage?: Usage
  cancelled?: boolean
  /** Brought in by a transcript import. */
  imported?: boolean
}

export interface Member {
  user: string
  status: PresenceStatus
}

export type ServerFrame =
  | ({ type: 'message' } & ChatMessage)
  | {
      type: 'joined'
      room: string
      /** Fixed when the room is created: a room deleted and created again under the same name has a new one. */
      epoch?: number
      members: Member[]
      messages: ChatMessage[]
      lastSeq: number
      recovered: boolean
    }
  | { type: 'left'; room: string }
  | { type: 'ack'; room: string; clientId: string; id: number; seq: number; ts: string; duplicate: boolean }
  | { type: 'presence'; room: string; user: string; status: PresenceStatus }
  | { type: 'typing'; room: string; user: string; typing: boolean }
  | {
      type: 'assistant_start'
      room: string
      turnId: string
      replyTo: number
      model: string
      queuePosition?: number
      /** The assistant's display name (the server's ASSISTANT_NAME; an extension of SPEC §2). */
      sender?: string
    }
  | { type: 'assistant_delta'; room: string; turnId: string; text: string }
  | { type: 'assistant_error'; room: string; turnId: string; code: string; message: string }
  /** `clientId` (an extension of SPEC §2): the clientId of the send_message that carried the command. */
  | { type: 'command_result'; room: string; command: string; text: string; data?: unknown; clientId?: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; ref?: string; retryAfterMs?: number }

export type ClientFrame =
  | { type: 'join_room'; room: string; since?: number; epoch?: number }
  | { type: 'leave_room'; room: string }
  | { type: 'send_message'; room: string; clientId: string; text: string }
  | { type: 'typing'; room: string; typing: boolean }
  | { type: 'cancel_turn'; room: string; turnId: string }
  | { type: 'ping' }

/** `GET /api/rooms/{room}/messages` */
export interface HistoryPage {
  messages: ChatMessage[]
  hasMore: boolean
}
