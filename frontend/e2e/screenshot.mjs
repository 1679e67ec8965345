// Takes the README's screenshot of a room: two people and the assistant talking.
//   PARLEY_URL=http://127.0.0.1:8080 OUT=../docs/screenshot-room.png node e2e/screenshot.mjs
// Needs a server whose assistant answers (a real provider or a stand-in) and /usr/bin/chromium.
import { chromium } from 'playwright-core'
import { signUpIn } from './accounts.mjs'

const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
const OUT = process.env.OUT ?? 'screenshot-room.png'
const tag = Math.random().toString(36).slice(2, 6)
const room = `launch-${tag}`

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})

async function user(name) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 720 } })
  const page = await context.newPage()
  await signUpIn(page, BASE, name)
  return page
}

async function say(page, text) {
  const box = page.getByLabel('Message', { exact: true })
  await box.fill(text)
  await box.press('Enter')
}

const alice = await user(`alice_${tag}`)
await alice.goto(`${BASE}/#/room/${room}`)
await alice.getByRole('heading', { name: `#${room}` }).waitFor()
const bob = await user(`bob_${tag}`)
await bob.goto(`${BASE}/#/room/${room}`)
await bob.getByRole('heading', { name: `#${room}` }).waitFor()
await say(alice, 'Morning! Is the release still on for Friday?')
await say(bob, 'Yes — the last blocker was fixed last night.')
await say(alice, '@assistant can you sum up what we agreed?')
await alice.locator('li.msg[data-kind="assistant"]').last().waitFor({ timeout: 30_000 })
await bob.getByLabel('Message', { exact: true }).fill('Great, I will write the notes')
await alice.waitForTimeout(500) // let the typing indicator render: this is a picture, not a test
await alice.screenshot({ path: OUT })
await browser.close()
console.log(`wrote ${OUT}`)
