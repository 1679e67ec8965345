import ReactMarkdown, { type Components } from 'react-markdown'

// Markdown for assistant replies. react-markdown builds React elements (no innerHTML):
// raw HTML in the text is shown as text, and unsafe URLs (javascript: etc.) are
// emptied by its default urlTransform. On top of that, links open in a new tab
// without an opener, and images are never loaded: they become links.
const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) => {
    const label = `image: ${alt || (typeof src === 'string' ? src : '')}`
    return typeof src === 'string' && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer" className="image-link">
        {label}
      </a>
    ) : (
      <span>{label}</span>
    )
  },
}

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown components={components}>{text}</ReactMarkdown>
    </div>
  )
}
