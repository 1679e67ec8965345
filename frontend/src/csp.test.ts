// The server sends this Content-Security-Policy with the page (SPEC §3). The built client must work under it:
// no inline <script> or <style>, no style="…" or on…="…" attributes in the HTML, no eval in the bundle.
//
//   default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:;
//   img-src 'self' data:; frame-ancestors 'none'
//
// (React's `style` prop sets styles through the CSSOM, which style-src does not restrict; the app uses none.)

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, type Rollup } from 'vite'
import { beforeAll, describe, expect, it } from 'vitest'

let files: Map<string, string>

beforeAll(async () => {
  const result = await build({ configFile: join(import.meta.dirname, '..', 'vite.config.ts'), logLevel: 'silent', build: { write: false } })
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
  files = new Map()
  for (const out of outputs) {
    for (const f of out.output) files.set(f.fileName, f.type === 'chunk' ? f.code : String(typeof f.source === 'string' ? f.source : new TextDecoder().decode(f.source)))
  }
}, 60_000)

const html = () => files.get('index.html') ?? ''

describe('the built page under the server CSP', () => {
  it('loads its script and styles from files of its own origin, nothing inline', () => {
    const page = html()
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\ssrc="\/assets\/[^"]+\.js"/)
      expect(body.trim()).toBe('')
    }
    expect(page).not.toMatch(/<style\b/i)
    expect(page).not.toMatch(/\sstyle\s*=/i)
    expect(page).not.toMatch(/\son[a-z]+\s*=/i)
    for (const [, href] of page.matchAll(/<link\b[^>]*\shref="([^"]*)"/gi)) expect(href).toMatch(/^(\/assets\/|data:)/)
  })

  it('has no eval and no Function constructor in the bundle (script-src without unsafe-eval)', () => {
    const js = [...files].filter(([name]) => name.endsWith('.js'))
    expect(js.length).toBeGreaterThan(0)
    for (const [, code] of js) {
      expect(code).not.toMatch(/\bnew Function\s*\(/)
      expect(code).not.toMatch(/(^|[^.\w$])eval\s*\(/)
    }
  })

  it('loads nothing from another origin in its styles (fonts, images)', () => {
    for (const [name, css] of files) if (name.endsWith('.css')) expect(css).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i)
  })

  it('sets no style attribute and no inline handler in the source either', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
      )
    for (const file of sources(import.meta.dirname)) {
      const code = readFileSync(file, 'utf8')
      expect(code, file).not.toMatch(/setAttribute\(\s*['"](style|on[a-z]+)['"]/)
      expect(code, file).not.toMatch(/dangerouslySetInnerHTML/)
    }
  })
})
