// @vitest-environment jsdom
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { Composer } from './Composer'

function renderComposer(modelIds: string[] = ['ollama/llama3.2', 'anthropic/claude']) {
  const props = { room: 'general', modelIds, onSend: vi.fn(), onTyping: vi.fn(), onStopTyping: vi.fn() }
  render(<Composer {...props} />)
  return { ...props, box: screen.getByLabelText('Message') as HTMLTextAreaElement, user: userEvent.setup() }
}

describe('Composer', () => {
  it('Enter sends the text without its trailing blanks and empties the box', async () => {
    const { box, user, onSend } = renderComposer()
    await user.type(box, 'hello there  ')
    await user.keyboard('{Enter}')
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hello there')
    expect(box.value).toBe('')
  })

  it('Shift+Enter adds a line instead of sending; the Send button sends both lines', async () => {
    const { box, user, onSend } = renderComposer()
    await user.type(box, 'one{Shift>}{Enter}{/Shift}two')
    expect(onSend).not.toHaveBeenCalled()
    expect(box.value).toBe('one\ntwo')
    await user.click(screen.getByRole('button', { name: 'Send' }))
    expect(onSend).toHaveBeenCalledExactlyOnceWith('one\ntwo')
  })

  it('sends nothing for a blank draft', async () => {
    const { box, user, onSend } = renderComposer()
    await user.type(box, '   {Enter}')
    expect(onSend).not.toHaveBeenCalled()
  })

  it('reports typing on each keystroke, and its end when the box is emptied or left', async () => {
    const { box, user, onTyping, onStopTyping } = renderComposer()
    await user.type(box, 'ab')
    expect(onTyping).toHaveBeenCalledTimes(2)
    expect(onStopTyping).not.toHaveBeenCalled()
    await user.keyboard('{Backspace}{Backspace}')
    expect(onStopTyping).toHaveBeenCalledTimes(1)
    await user.type(box, 'c')
    await user.tab()
    expect(onStopTyping).toHaveBeenCalledTimes(2)
  })

  it('offers the commands after "/", and the model ids after "/model "', async () => {
    const { box, user } = renderComposer()
    expect(screen.queryByRole('list', { name: 'Commands' })).toBeNull()
    await user.type(box, '/mo')
    const hints = () => screen.getByRole('list', { name: 'Commands' })
    expect(hints().textContent).toContain('/models')
    expect(hints().textContent).toContain('/model <id>')
    expect(hints().textContent).not.toContain('/who')

    await user.click(screen.getByRole('button', { name: '/model <id>' }))
    expect(box.value).toBe('/model ')
    expect(document.activeElement).toBe(box)
    expect(screen.getAllByRole('button', { name: /^\/model / }).map((b) => b.textContent)).toEqual([
      '/model ollama/llama3.2',
      '/model anthropic/claude',
    ])
    await user.click(screen.getByRole('button', { name: '/model anthropic/claude' }))
    expect(box.value).toBe('/model anthropic/claude')
  })
})
