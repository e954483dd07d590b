import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, unwrap, type Schemas } from './client';
import { ApiProblem } from './problem';
import { endSession, getAccessToken, getUser, hasStoredSession, startSession } from '@/auth/session';

const user: Schemas['UserView'] = {
  id: 7,
  name: '李工',
  email: 'li.gong@loopdesk.local',
  kind: 'staff',
  role: 'agent',
  active: true,
  group_ids: [],
  permissions: [],
  organization_id: null,
  locale: 'zh-CN',
  last_login_at: null,
  created_at: '2026-11-23T00:00:00Z',
  updated_at: '2026-11-23T00:00:00Z',
};

/** What the server answers to a browser: the refresh token stays in the HttpOnly cookie. */
function tokens(access: string) {
  return { access_token: access, token_type: 'Bearer', expires_in: 900, user };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const refused = (detail: string) => json(401, { type: 'about:blank', title: 'Unauthenticated', status: 401, detail });

/**
 * A fake server with the browser's cookie jar (which scripts cannot read): /auth/refresh trades the
 * refresh cookie for `fresh-N` and a new cookie, and refuses a cookie that was already used, as the
 * server does past its grace window. Each request sees the cookie as it was when it was sent.
 */
function fakeServer({ cookie = 'c1' as string | null, latency = 0 } = {}) {
  const seen: { path: string; auth: string | null; body: string }[] = [];
  let jar = cookie;
  let refreshes = 0;
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const sentCookie = request.credentials === 'omit' ? null : jar;
    const path = new URL(request.url).pathname;
    const body = await request.text();
    seen.push({ path, auth: request.headers.get('authorization'), body });
    await new Promise((resolve) => setTimeout(resolve, latency));
    if (path === '/api/v1/auth/refresh') {
      refreshes += 1;
      expect(request.credentials).toBe('same-origin');
      expect(request.headers.get('x-token-delivery')).toBe('cookie');
      const presented = body ? (JSON.parse(body) as { refresh_token: string }).refresh_token : sentCookie;
      const valid = presented !== null && (presented === jar || presented === 'legacy-token');
      if (!valid) return refused('the refresh token was already used');
      jar = `c${refreshes + 1}`;
      return json(200, tokens(`fresh-${refreshes}`));
    }
    if (path === '/api/v1/auth/logout') {
      jar = null;
      return new Response(null, { status: 204 });
    }
    if (request.headers.get('authorization')?.startsWith('Bearer fresh')) return json(200, user);
    return refused('token expired');
  });
  vi.stubGlobal('fetch', fetchStub);
  return { seen, refreshes: () => refreshes, cookie: () => jar };
}

beforeEach(() => localStorage.clear());

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

describe('the API client', () => {
  it('refreshes once on a 401 with the cookie and replays the request with the new token', async () => {
    const server = fakeServer();
    startSession(tokens('stale'));

    const me = await unwrap(api.GET('/api/v1/me'));

    expect(me.name).toBe('李工');
    expect(server.refreshes()).toBe(1);
    expect(server.seen.map((s) => `${s.path} ${s.auth ?? ''}${s.body}`)).toEqual([
      '/api/v1/me Bearer stale',
      '/api/v1/auth/refresh ',
      '/api/v1/me Bearer fresh-1',
    ]);
    expect(getAccessToken()).toBe('fresh-1');
    // Nothing secret in storage: only the hint that a session may be resumed.
    expect(Object.keys(localStorage)).toEqual(['loopdesk.signed_in']);
  });

  it('shares one refresh between concurrent requests of a tab', async () => {
    const server = fakeServer({ latency: 5 });
    startSession(tokens('stale'));

    const results = await Promise.all([
      unwrap(api.GET('/api/v1/me')),
      unwrap(api.GET('/api/v1/me')),
      unwrap(api.GET('/api/v1/me')),
    ]);

    expect(results.map((r) => r.id)).toEqual([7, 7, 7]);
    expect(server.refreshes()).toBe(1);
  });

  it('lets two tabs refreshing at once take turns, so neither is signed out', async () => {
    const server = fakeServer({ latency: 5 });
    // Web Locks shared by the tabs of a browser.
    const held = new Map<string, Promise<unknown>>();
    const locks = {
      request: (name: string, task: () => Promise<unknown>) => {
        const run = (held.get(name) ?? Promise.resolve()).then(task);
        held.set(name, run.catch(() => undefined));
        return run;
      },
    };
    vi.stubGlobal('navigator', { ...globalThis.navigator, locks });
    // Two tabs: two instances of the session module, one cookie jar.
    vi.resetModules();
    const tabA = await import('@/auth/session');
    vi.resetModules();
    const tabB = await import('@/auth/session');
    expect(tabA).not.toBe(tabB);
    tabA.startSession(tokens('stale'));
    tabB.startSession(tokens('stale'));

    const [a, b] = await Promise.all([tabA.refreshSession(), tabB.refreshSession()]);

    expect([a, b]).toEqual([true, true]);
    expect(server.refreshes()).toBe(2);
    expect([tabA.getUser()?.id, tabB.getUser()?.id]).toEqual([7, 7]);
    expect(new Set([tabA.getAccessToken(), tabB.getAccessToken()])).toEqual(new Set(['fresh-1', 'fresh-2']));
  });

  it('moves a refresh token kept by an older version to the cookie, then forgets it', async () => {
    const server = fakeServer({ cookie: null });
    localStorage.setItem('loopdesk.refresh_token', 'legacy-token');
    expect(hasStoredSession()).toBe(true);

    const me = await unwrap(api.GET('/api/v1/me'));

    expect(me.id).toBe(7);
    expect(server.seen[1]).toEqual({ path: '/api/v1/auth/refresh', auth: null, body: '{"refresh_token":"legacy-token"}' });
    expect(server.cookie()).toBe('c2');
    expect(localStorage.getItem('loopdesk.refresh_token')).toBeNull();
  });

  it('ends the session when the refresh is refused, and reports the 401 as a problem', async () => {
    fakeServer({ cookie: null });
    startSession(tokens('stale'));

    const failure = await unwrap(api.GET('/api/v1/me')).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ApiProblem);
    expect((failure as ApiProblem).status).toBe(401);
    expect(getUser()).toBeNull();
    expect(hasStoredSession()).toBe(false);
  });

  it('turns a 422 body into field errors', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(422, {
          type: 'https://loopdesk.dev/problems/validation',
          title: 'Validation failed',
          status: 422,
          detail: '1 field has an invalid value',
          errors: { 'custom_fields.asset_no': ['is required'] },
        }),
      ),
    );
    const failure = (await unwrap(
      api.POST('/api/v1/tickets', { body: { type_id: 1, subject: 'x', description: '', custom_fields: {}, tags: [] } }),
    ).catch((e: unknown) => e)) as ApiProblem;

    expect(failure.status).toBe(422);
    expect(failure.title).toBe('Validation failed');
    expect(failure.errors['custom_fields.asset_no']).toEqual(['is required']);
  });

  it('reports an unreachable server as a network problem', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const failure = (await unwrap(api.GET('/api/v1/me')).catch((e: unknown) => e)) as ApiProblem;
    expect(failure.status).toBe(0);
  });
});
