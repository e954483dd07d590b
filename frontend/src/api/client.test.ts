import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, unwrap, type Schemas } from './client';
import { ApiProblem } from './problem';
import { endSession, getAccessToken, getUser, startSession, storedRefreshToken } from '@/auth/session';

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
  last_login_at: null,
  created_at: '2026-11-23T00:00:00Z',
  updated_at: '2026-11-23T00:00:00Z',
};

function tokens(access: string, refresh: string) {
  return { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 900, user };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake server: /me accepts only `fresh`, /auth/refresh trades `r1` for `fresh`/`r2` once. */
function fakeServer() {
  const seen: { path: string; auth: string | null }[] = [];
  let refreshes = 0;
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    seen.push({ path, auth: request.headers.get('authorization') });
    if (path === '/api/v1/auth/refresh') {
      refreshes += 1;
      const body = (await request.json()) as { refresh_token: string };
      return body.refresh_token === 'r1'
        ? json(200, tokens('fresh', 'r2'))
        : json(401, { type: 'about:blank', title: 'Unauthenticated', status: 401, detail: 'refresh token is not valid' });
    }
    if (request.headers.get('authorization') === 'Bearer fresh') return json(200, user);
    return json(401, { type: 'about:blank', title: 'Unauthenticated', status: 401, detail: 'token expired' });
  });
  vi.stubGlobal('fetch', fetchStub);
  return { seen, refreshes: () => refreshes };
}

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

describe('the API client', () => {
  it('refreshes once on a 401 and replays the request with the new token', async () => {
    const server = fakeServer();
    startSession(tokens('stale', 'r1'));

    const me = await unwrap(api.GET('/api/v1/me'));

    expect(me.name).toBe('李工');
    expect(server.refreshes()).toBe(1);
    expect(server.seen.map((s) => `${s.path} ${s.auth ?? ''}`)).toEqual([
      '/api/v1/me Bearer stale',
      '/api/v1/auth/refresh ',
      '/api/v1/me Bearer fresh',
    ]);
    expect(getAccessToken()).toBe('fresh');
    expect(storedRefreshToken()).toBe('r2');
  });

  it('shares one refresh between concurrent requests (a refresh token works only once)', async () => {
    const server = fakeServer();
    startSession(tokens('stale', 'r1'));

    const results = await Promise.all([unwrap(api.GET('/api/v1/me')), unwrap(api.GET('/api/v1/me'))]);

    expect(results.map((r) => r.id)).toEqual([7, 7]);
    expect(server.refreshes()).toBe(1);
  });

  it('ends the session when the refresh is refused, and reports the 401 as a problem', async () => {
    fakeServer();
    startSession(tokens('stale', 'revoked'));

    const failure = await unwrap(api.GET('/api/v1/me')).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ApiProblem);
    expect((failure as ApiProblem).status).toBe(401);
    expect(getUser()).toBeNull();
    expect(storedRefreshToken()).toBeNull();
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
