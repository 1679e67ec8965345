// How long to wait before reconnecting.

export interface BackoffOptions {
  initialMs: number
  maxMs: number
  factor: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 }

/**
 * The delay before reconnect attempt `n` (0-based): exponential, capped, with "equal jitter" (between half and
 * all of the capped value). `random` is a number in [0, 1).
 */
export function backoffDelay(options: BackoffOptions, n: number, random: number): number {
  const cap = Math.min(options.maxMs, options.initialMs * Math.pow(options.factor, n))
  return cap / 2 + random * (cap / 2)
}

/**
 * The delay after the server closed the socket with `code`, when that code asks for something other than the
 * usual backoff (SPEC §2 close codes), or null:
 * - 1012, the node is shutting down or restarting: at once, spread over `restartJitterMs` so that every client
 *   of the node does not arrive at the same instant;
 * - 1013, this client read too slowly: at once.
 */
export function closeCodeDelay(code: number, restartJitterMs: number, random: number): number | null {
  if (code === 1012) return random * restartJitterMs
  if (code === 1013) return 0
  return null
}
