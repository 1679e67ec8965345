import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// `npm run dev` forwards REST and the WebSocket to a Parley server (PARLEY_URL, default
// http://127.0.0.1:8080), so the app talks to "its own origin" as it does in production.
const backend = process.env.PARLEY_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/ws': {
        target: backend,
        ws: true,
        changeOrigin: true,
        // The server accepts browser handshakes from its own origin only (or CORS_ORIGINS):
        // present the dev server's upgrade requests as coming from it.
        configure: (proxy) => proxy.on('proxyReqWs', (proxyReq) => proxyReq.setHeader('Origin', backend)),
      },
    },
  },
  build: {
    outDir: 'dist',
    // Nothing inlined as a data: URL: the server's CSP allows data: for images only (src/csp.test.ts).
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    // component tests say `// @vitest-environment jsdom` at their top
    environment: 'node',
    setupFiles: ['src/testing/setup.ts'],
    // a ceiling for busy machines, not a delay
    testTimeout: 30_000,
  },
})
