import { useCallback, useState } from 'react'
import { loadSession, saveSession, type Session } from './api'
import { AuthScreen } from './components/AuthScreen'
import { ChatScreen } from './components/ChatScreen'

export default function App() {
  const [session, setSession] = useState<Session | null>(loadSession)
  const signIn = (s: Session) => {
    saveSession(s)
    setSession(s)
  }
  const signOut = useCallback(() => {
    saveSession(null)
    setSession(null)
  }, [])
  return session ? (
    <ChatScreen key={session.token} session={session} onLogout={signOut} />
  ) : (
    <AuthScreen onSignedIn={signIn} />
  )
}
