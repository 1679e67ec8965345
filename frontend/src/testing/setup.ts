// Run before every test file (vite.config.ts `test.setupFiles`).
import { cleanup, configure } from '@testing-library/react'
import { afterEach } from 'vitest'

// The machines that run the suite may be busy: waiting for the UI (findBy…, waitFor) gives up after 10 s, not 1 s.
// These are ceilings on waits for an outcome, never delays.
configure({ asyncUtilTimeout: 10_000 })

// Each component test starts from an empty document.
afterEach(cleanup)
