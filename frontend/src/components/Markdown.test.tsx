import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { Markdown } from './Markdown'

const html = (text: string) => renderToStaticMarkup(<Markdown text={text} />)

describe('assistant markdown', () => {
  it('renders formatting', () => {
    expect(html('**bold** and `code`')).toContain('<strong>bold</strong> and <code>code</code>')
  })

  it('shows raw HTML as text instead of rendering it', () => {
    const out = html('<img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script>')
    expect(out).not.toContain('<img')
    expect(out).not.toContain('<script')
    expect(out).toContain('&lt;img src=x onerror=')
  })

  it('does not make javascript: URLs clickable', () => {
    const out = html('[x](javascript:alert(1))')
    expect(out).not.toContain('javascript:')
    expect(out).not.toContain('<a')
  })

  it('opens links in a new tab without opener or referrer', () => {
    expect(html('[site](https://example.org)')).toContain(
      '<a href="https://example.org" target="_blank" rel="noopener noreferrer">site</a>',
    )
  })

  it('turns images into links so that remote images are never loaded', () => {
    const out = html('![cat](https://example.org/cat.png)')
    expect(out).not.toContain('<img')
    expect(out).toContain('href="https://example.org/cat.png"')
    expect(out).toContain('image: cat')
  })
})
