import type { components } from '@/api/schema';

type TokenView = components['schemas']['TokenView'];
export type CurrentUser = components['schemas']['UserView'];

const REFRESH_KEY = 'loopdesk.refresh_token';

/**
 * The signed-in session. The access token lives only in memory; the refresh token is kept
 * in localStorage so that a reload or a deep link resumes the session.
 */
let accessToken: string | null = null;
let user: CurrentUser | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function getUser(): CurrentUser | null {
  return user;
}

export function storedRefreshToken(): string | null {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener();
}

export function startSession(tokens: TokenView) {
  accessToken = tokens.access_token;
  user = tokens.user;
  localStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  notify();
}

export function updateUser(next: CurrentUser) {
  user = next;
  notify();
}

export function endSession() {
  accessToken = null;
  user = null;
  localStorage.removeItem(REFRESH_KEY);
  notify();
}

/**
 * Trades the stored refresh token for a new pair. Concurrent callers share one request,
 * because a refresh token works once: a second use would revoke the whole session.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  const token = storedRefreshToken();
  if (!token) return Promise.resolve(false);
  refreshing = (async () => {
    try {
      const response = await fetch(new URL('/api/v1/auth/refresh', globalThis.location.origin), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      });
      if (!response.ok) {
        endSession();
        return false;
      }
      startSession((await response.json()) as TokenView);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
