import { vi } from 'vitest';
import type { Schemas } from '@/api/client';

export const customer: Schemas['UserView'] = {
  id: 16,
  name: '陈建国',
  email: 'customer@loopdesk.local',
  kind: 'customer',
  role: 'customer',
  active: true,
  group_ids: [],
  permissions: ['tickets_read_own', 'tickets_create', 'comments_public'],
  organization_id: 1,
  locale: 'zh-CN',
  last_login_at: null,
  created_at: '2026-11-23T00:00:00Z',
  updated_at: '2026-11-23T00:00:00Z',
};

export function ticket(overrides: Partial<Schemas['TicketView']> = {}): Schemas['TicketView'] {
  return {
    id: 83,
    number: 'T-000083',
    type_id: 2,
    type_name: 'Equipment repair',
    subject: 'Escalator noise in building 5',
    description: 'It squeaks.',
    status: 'resolved',
    priority: 'high',
    channel: 'portal',
    requester_id: customer.id,
    requester_name: customer.name,
    organization_id: 1,
    group_id: 5,
    assignee_id: 7,
    assignee_name: '李工',
    tags: [],
    custom_fields: {},
    version: 4,
    created_by: customer.id,
    created_at: '2026-11-05T02:11:00Z',
    updated_at: '2026-11-06T02:11:00Z',
    allowed_transitions: ['closed', 'in_progress'],
    ...overrides,
  } as Schemas['TicketView'];
}

export function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

export interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

/** Stubs fetch with `route` (return undefined for a 404) and records every call. */
export function stubApi(route: (call: Call) => Response | undefined) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      const text = request.method === 'GET' ? '' : await request.text();
      const call = { method: request.method, path: url.pathname, search: url.searchParams, body: text ? JSON.parse(text) : null };
      calls.push(call);
      return route(call) ?? json(404, { title: 'Not found', status: 404, detail: url.pathname });
    }),
  );
  return calls;
}
