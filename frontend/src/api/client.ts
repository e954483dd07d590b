import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { ApiProblem, networkProblem } from './problem';
import { endSession, getAccessToken, refreshSession } from '@/auth/session';

export type Schemas = components['schemas'];

/** Requests kept until their response arrives, so a 401 can be replayed once after a refresh. */
const pending = new Map<string, Request>();

// Sign-out is replayed: it names its session by the cookie, so after a refresh it ends the right one.
const NO_REPLAY = ['/api/v1/auth/login', '/api/v1/auth/refresh'];

const auth: Middleware = {
  onRequest({ request, id }) {
    const token = getAccessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    // The server writes texts such as dispatch reasons in this language: the UI's, not the browser's.
    const language = globalThis.document?.documentElement.lang;
    if (language) request.headers.set('accept-language', language);
    pending.set(id, request.clone());
    return request;
  },
  async onResponse({ request, response, id }) {
    const original = pending.get(id);
    pending.delete(id);
    const path = new URL(request.url).pathname;
    if (response.status !== 401 || !original || NO_REPLAY.includes(path)) return response;
    // Another request may have refreshed while this one was in flight: then just replay.
    const sentWith = original.headers.get('authorization');
    const current = getAccessToken();
    const alreadyRefreshed = current !== null && sentWith !== `Bearer ${current}`;
    if (!alreadyRefreshed && !(await refreshSession())) {
      endSession();
      return response;
    }
    const retry = new Request(original);
    retry.headers.set('authorization', `Bearer ${getAccessToken() ?? ''}`);
    const second = await fetch(retry);
    // Refreshed and still refused: the session is gone (revoked, deactivated user).
    if (second.status === 401) endSession();
    return second;
  },
  onError({ id }) {
    pending.delete(id);
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  // Looked up per call (not captured once), so tests can stub `fetch`.
  fetch: (request) => globalThis.fetch(request),
});
api.use(auth);

type Result<D> = { data?: D; error?: unknown; response: Response };

/** The data of a successful call; anything else becomes an `ApiProblem`. */
export async function unwrap<D>(call: Promise<Result<D>>): Promise<D> {
  let result: Result<D>;
  try {
    result = await call;
  } catch (error) {
    throw networkProblem(error);
  }
  if (!result.response.ok) throw await ApiProblem.fromResponse(result.response, result.error);
  return result.data as D;
}

// Lists fetched whole (pickers, names, a ticket's history) page through here. It lives beside
// `unwrap` rather than in a module of its own, which the build would ship as one more small chunk.

/** One page of a list endpoint (`Page_*` in the schema). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** The largest `limit` the list endpoints accept. */
export const MAX_PAGE_LIMIT = 200;

/**
 * Every item of a list endpoint: follows `next_cursor` until the last page. `maxPages` is only a
 * safety stop against a runaway cursor, far beyond what the lists fetched whole ever hold.
 */
export async function fetchAllPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  { maxPages = 50 }: { maxPages?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetchPage(cursor);
    items.push(...result.items);
    if (!result.next_cursor) break;
    cursor = result.next_cursor;
  }
  return items;
}
