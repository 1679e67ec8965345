import { describe, expect, it } from 'vitest'
import { commandHints, typingText } from './text'

describe('slash-command hints', () => {
  it('are offered only when the draft starts with a slash', () => {
    expect(commandHints('hello /who', [])).toEqual([])
    expect(commandHints('/', []).map((h) => h.label)).toEqual(['/help', '/models', '/model <id>', '/clear', '/who'])
  })

  it('narrow down as the command is typed', () => {
    expect(commandHints('/mo', []).map((h) => h.label)).toEqual(['/models', '/model <id>'])
    expect(commandHints('/w', [])).toEqual([{ insert: '/who', label: '/who', description: 'who is in this room' }])
  })

  it('suggest model ids after "/model "', () => {
    const ids = ['ollama/llama3.2', 'openai/gpt-4o', 'ollama/qwen']
    expect(commandHints('/model oll', ids).map((h) => h.insert)).toEqual(['/model ollama/llama3.2', '/model ollama/qwen'])
  })
})

describe('typing indicator text', () => {
  it('names one or two typists and counts more', () => {
    expect(typingText([])).toBe('')
    expect(typingText(['bob'])).toBe('bob is typing…')
    expect(typingText(['bob', 'carol'])).toBe('bob and carol are typing…')
    expect(typingText(['bob', 'carol', 'dave'])).toBe('3 people are typing…')
  })
})
