import { useState, type FormEvent } from 'react'
import { api, ApiError, USERNAME_PATTERN, type Session } from '../api'

type Mode = 'login' | 'register'

export function AuthScreen({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<Mode>('login')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const session = mode === 'login' ? await api.login(username, password) : await api.register(username, password)
      onSignedIn(session)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.')
    } finally {
      setBusy(false)
    }
  }

  const title = mode === 'login' ? 'Log in' : 'Sign up'
  return (
    <main className="auth">
      <h1>Parley</h1>
      <form onSubmit={submit} aria-labelledby="auth-title">
        <h2 id="auth-title">{title}</h2>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            required
            pattern={USERNAME_PATTERN}
            title="3 to 32 letters, digits, '_', '.' or '-'"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {title}
        </button>
        <p className="switch">
          {mode === 'login' ? 'No account yet? ' : 'Have an account? '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setMode(mode === 'login' ? 'register' : 'login')
              setError(null)
            }}
          >
            {mode === 'login' ? 'Create an account' : 'Use an existing account'}
          </button>
        </p>
      </form>
    </main>
  )
}
