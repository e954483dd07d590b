import type { components } from '@/api/schema';

type TokenView = components['schemas']['TokenView'];
export type CurrentUser = components['schemas']['UserView'];

/** Where older versions kept the refresh token. Read once to move the session to the cookie, then dropped. */
const LEGACY_REFRESH_KEY = 'loopdesk.refresh_token';
/** Only a hint that a session cookie may exist (the cookie itself is out of reach of scripts): no secret. */
const SIGNED_IN_KEY = 'loopdesk.signed_in';
/** The Web Lock that lets one tab at a time refresh (tabs share the cookie). */
export const REFRESH_LOCK = 'loopdesk-refresh';
export const REFRESH_URL = '/api/v1/auth/refresh';

/**
 * The signed-in session. The access token lives only in memory; the refresh token lives in the
 * `loopdesk_refresh` cookie (HttpOnly, SameSite=Strict, sent only to /api/v1/auth), which no script
 * can read, so a reload or a deep link resumes the session through `refreshSession()`.
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

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function forget(key: string) {
  try {
    localStorage.removeItem(key);
  } catch {
    // storage unavailable (private mode): nothing to forget
  }
}

/** Whether this browser probably holds a session to resume (a sign-in marker, or a token of an older version). */
export function hasStoredSession(): boolean {
  return stored(SIGNED_IN_KEY) !== null || stored(LEGACY_REFRESH_KEY) !== null;
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
  try {
    localStorage.setItem(SIGNED_IN_KEY, '1');
  } catch {
    // without storage a reload signs out; the session itself works
  }
  forget(LEGACY_REFRESH_KEY);
  notify();
}

export function updateUser(next: CurrentUser) {
  user = next;
  notify();
}

export function endSession() {
  accessToken = null;
  user = null;
  forget(SIGNED_IN_KEY);
  forget(LEGACY_REFRESH_KEY);
  notify();
}

/** Runs `task` while holding the cross-tab refresh lock, where the browser has Web Locks. */
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return task();
  return locks.request(REFRESH_LOCK, task) as Promise<T>;
}

/**
 * Trades the refresh cookie for a new access token (and a new cookie). Concurrent callers in a tab
 * share one request, and tabs take turns (a Web Lock), because a refresh token works once: each tab
 * refreshes with the cookie the previous one left. Should two refreshes still race (a browser without
 * Web Locks), the server accepts the second within a short grace window instead of revoking the session.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  refreshing = withRefreshLock(refreshNow).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function refreshNow(): Promise<boolean> {
  // A token kept by an older version moves the session to the cookie once (the server sets it), then is dropped.
  const legacy = stored(LEGACY_REFRESH_KEY);
  const headers: Record<string, string> = { 'x-token-delivery': 'cookie' };
  if (legacy) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(new URL(REFRESH_URL, globalThis.location.origin), {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: legacy ? JSON.stringify({ refresh_token: legacy }) : undefined,
    });
    forget(LEGACY_REFRESH_KEY);
    if (!response.ok) {
      endSession();
      return false;
    }
    startSession((await response.json()) as TokenView);
    return true;
  } catch {
    return false;
  }
}

let atStart: Promise<CurrentUser | null> | null = null;

/**
 * The session the app opens with: a stored one is resumed once, and the refresh starts as soon as
 * this is first called (`src/auth/startup.ts`, the entry's first import), while the rest of the
 * code is still being evaluated, instead of after the first render. Resolves with the user, or
 * null when there is no session to resume. `AuthProvider` joins the same refresh.
 */
export function sessionAtStart(): Promise<CurrentUser | null> {
  atStart ??= !user && hasStoredSession() ? refreshSession().then(() => user) : Promise.resolve(user);
  return atStart;
}
