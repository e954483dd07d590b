import { vi } from 'vitest';
import type { ReactNode } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from '@/auth/AuthProvider';
import { startSession } from '@/auth/session';
import type { Schemas } from '@/api/client';

export interface Call {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = Reply | ((call: Call, count: number) => Reply);

/**
 * Replaces `fetch` with a small fake of the API: routes are "METHOD /path" (query ignored)
 * and every request is recorded for assertions. Unknown routes answer 404 problem+json.
 */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const counts = new Map<string, number>();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      const text = request.method === 'GET' ? '' : await request.clone().text();
      const call: Call = {
        method: request.method,
        path: url.pathname,
        search: url.search,
        headers: request.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      calls.push(call);
      const key = `${request.method} ${url.pathname}`;
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      const handler = routes[key];
      const reply: Reply = !handler
        ? { status: 404, body: { type: 'about:blank', title: 'Not found', status: 404, detail: `no fake for ${key}` } }
        : typeof handler === 'function'
          ? handler(call, count)
          : handler;
      const status = reply.status ?? 200;
      const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
      return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
        status,
        headers: { 'content-type': contentType, ...reply.headers },
      });
    }),
  );
  return {
    calls,
    /** Requests to one route, e.g. `api.to('PATCH /api/v1/tickets/7')`. */
    to: (key: string) => calls.filter((call) => `${call.method} ${call.path}` === key),
  };
}

export function problem(status: number, title: string, extra: Record<string, unknown> = {}) {
  return { status, body: { type: 'about:blank', title, status, detail: '', ...extra } };
}

type Permission = Schemas['Permission'];

export const STAFF_PERMISSIONS: Permission[] = [
  'tickets_read_group',
  'tickets_create',
  'tickets_update',
  'tickets_assign',
  'comments_public',
  'comments_internal',
  'users_read',
];

/** Signs a fake staff user in (in memory) so `useAuth().can` answers as for an agent. */
export function signIn(permissions: Permission[] = STAFF_PERMISSIONS) {
  startSession({
    access_token: 'test-token',
    refresh_token: 'test-refresh',
    token_type: 'Bearer',
    expires_in: 900,
    user: {
      id: 11,
      name: '李工',
      email: 'li.gong@loopdesk.local',
      kind: 'staff',
      role: 'agent',
      active: true,
      group_ids: [5],
      permissions,
      organization_id: null,
      locale: 'zh-CN',
      last_login_at: null,
      created_at: '2026-11-01T00:00:00Z',
      updated_at: '2026-11-01T00:00:00Z',
    },
  });
}

/** The page as the router mounts it, inside the auth provider. */
export function detailRoute(page: ReactNode) {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/tickets/:id" element={page} />
      </Routes>
    </AuthProvider>
  );
}

export const TICKET: Schemas['TicketView'] & Record<string, unknown> = {
  id: 7,
  number: 'T-000007',
  type_id: 2,
  type_name: '设备报修',
  subject: '3 号楼空调不制冷',
  description: '三楼东侧会议室空调开机后只吹风不制冷。',
  status: 'in_progress',
  priority: 'high',
  channel: 'web',
  requester_id: 21,
  requester_name: '王女士',
  organization_id: 2,
  organization_name: '华东电力',
  group_id: 5,
  group_name: '现场服务组',
  assignee_id: 11,
  assignee_name: '李工',
  tags: ['空调'],
  custom_fields: { asset_no: 'AC-3-0412', parts_cost: 120 },
  external_id: null,
  external_source: null,
  version: 3,
  created_by: 21,
  created_at: '2026-11-20T09:00:00Z',
  updated_at: '2026-11-20T13:00:00Z',
  first_response_at: '2026-11-20T10:00:00Z',
  resolved_at: null,
  closed_at: null,
  allowed_transitions: ['pending', 'resolved'],
};

export const TICKET_TYPE: Schemas['TicketTypeView'] = {
  id: 2,
  name: '设备报修',
  description: '',
  default_priority: 'high',
  default_group_id: 5,
  required_skills: [],
  active: true,
  created_at: '2026-09-01T00:00:00Z',
  updated_at: '2026-09-01T00:00:00Z',
  fields: [
    { key: 'asset_no', label: '资产编号', kind: 'text', required: true, options: [], customer_visible: true },
    { key: 'parts_cost', label: '配件费用', kind: 'number', required: false, options: [], customer_visible: false },
  ],
};
