import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, fetchAllPages, MAX_PAGE_LIMIT, unwrap, type Schemas } from '@/api/client';
import type { CurrentUser } from '@/auth/session';

export type TicketView = Schemas['TicketView'];
export type CommentView = Schemas['CommentView'];
export type EventView = Schemas['EventView'];
export type TicketStatus = Schemas['TicketStatus'];
export type FieldDefinition = Schemas['FieldDefinition'];
export type TicketPatch = Schemas['TicketPatch'];

/** Custom-field values as the API sends them (the generated type is an empty record). */
export type CustomFieldValues = Record<string, unknown>;

export const detailKeys = {
  ticket: (id: number) => ['ticket', id] as const,
  comments: (id: number) => ['ticket', id, 'comments'] as const,
  events: (id: number) => ['ticket', id, 'events'] as const,
  /** The server words dispatch reasons in the UI language: one cache entry per language. */
  eventsIn: (id: number, language: string) => ['ticket', id, 'events', language] as const,
  staff: (groupId: number | null) => ['users', 'staff', groupId ?? 'all'] as const,
};

/** Directory data (groups, staff) changes rarely; no need to refetch on every focus. */
const DIRECTORY_STALE_MS = 5 * 60_000;
const RUNNING: readonly Schemas['SlaState'][] = ['ok', 'warning', 'breached'];

export function useTicket(id: number) {
  return useQuery({
    queryKey: detailKeys.ticket(id),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } } }))) as TicketView,
    // A running SLA clock on a business calendar only the server can count: ask again each minute.
    refetchInterval: (query) => (query.state.data?.sla && RUNNING.includes(query.state.data.sla.state) ? 60_000 : false),
  });
}

/** The whole history, every page of it, so the timeline is never cut short. */
export function useComments(id: number) {
  return useQuery({
    queryKey: detailKeys.comments(id),
    queryFn: () =>
      fetchAllPages<CommentView>((cursor) =>
        unwrap(
          api.GET('/api/v1/tickets/{id}/comments', {
            params: { path: { id }, query: { limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
  });
}

export function useEvents(id: number) {
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: detailKeys.eventsIn(id, i18n.language),
    queryFn: () =>
      fetchAllPages<EventView>((cursor) =>
        unwrap(
          api.GET('/api/v1/tickets/{id}/events', {
            params: { path: { id }, query: { limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
  });
}

// Groups come from the one shared query of the ticket screens.
export { useGroups } from '../api';

/** Active staff, optionally only the members of one group (for the assignee pickers). */
export function useStaff(groupId: number | null, enabled = true) {
  return useQuery({
    queryKey: detailKeys.staff(groupId),
    enabled,
    staleTime: DIRECTORY_STALE_MS,
    queryFn: () =>
      fetchAllPages((cursor) =>
        unwrap(
          api.GET('/api/v1/users', {
            params: {
              query: {
                kind: 'staff',
                active: true,
                limit: MAX_PAGE_LIMIT,
                ...(groupId !== null ? { group_id: groupId } : {}),
                ...(cursor ? { cursor } : {}),
              },
            },
          }),
        ),
      ),
  });
}

/** Everything that shows this ticket (its history, the lists) is out of date after a change. */
function refreshTicket(client: QueryClient, id: number, view?: TicketView) {
  if (view) client.setQueryData(detailKeys.ticket(id), view);
  else void client.invalidateQueries({ queryKey: detailKeys.ticket(id), exact: true });
  void client.invalidateQueries({ queryKey: detailKeys.events(id) });
  void client.invalidateQueries({ queryKey: detailKeys.comments(id) });
  void client.invalidateQueries({ queryKey: ['tickets'] });
}

export function useAddComment(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { body: string; internal: boolean }) =>
      unwrap(api.POST('/api/v1/tickets/{id}/comments', { params: { path: { id } }, body: input })),
    // A reply can move the ticket (first response, pending → in progress): reload it too.
    onSuccess: () => refreshTicket(client, id),
  });
}

export function useTransition(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { status: TicketStatus; note?: string }) =>
      unwrap(
        api.POST('/api/v1/tickets/{id}/transitions', {
          params: { path: { id } },
          body: { status: input.status, note: input.note || null },
        }),
      ) as Promise<TicketView>,
    onSuccess: (view) => refreshTicket(client, id, view),
  });
}

/** What a hand-over leaves the caller with: the ticket, or nothing when it left their sight. */
export type HandoverResult = { visible: true; view: TicketView } | { visible: false };

/**
 * Whether staff still see a ticket after handing it over: the visibility rule of the API
 * (all tickets, or those of one's groups, assigned to or requested by oneself). Decided from
 * the answer instead of asking again, which would only produce a 404 when it left.
 */
export function staysVisible(view: TicketView, user: CurrentUser): boolean {
  return (
    user.permissions.includes('tickets_read_all') ||
    (view.group_id !== null && view.group_id !== undefined && user.group_ids.includes(view.group_id)) ||
    view.assignee_id === user.id ||
    view.requester_id === user.id
  );
}

function settleHandover(client: QueryClient, id: number, result: HandoverResult) {
  if (result.visible) {
    refreshTicket(client, id, result.view);
    return;
  }
  // Stale, but not refetched now: the page is about to leave, and a refetch would only 404.
  void client.invalidateQueries({ queryKey: detailKeys.ticket(id), refetchType: 'none' });
  void client.invalidateQueries({ queryKey: ['tickets'] });
}

export function useAssign(id: number, user: CurrentUser) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['AssignInput']): Promise<HandoverResult> => {
      const view = await unwrap(api.POST('/api/v1/tickets/{id}/assign', { params: { path: { id } }, body }));
      return staysVisible(view, user) ? { visible: true, view } : { visible: false };
    },
    onSuccess: (result) => settleHandover(client, id, result),
  });
}

export function useTransfer(id: number, user: CurrentUser) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['TransferInput']): Promise<HandoverResult> => {
      const view = await unwrap(api.POST('/api/v1/tickets/{id}/transfer', { params: { path: { id } }, body }));
      return staysVisible(view, user) ? { visible: true, view } : { visible: false };
    },
    onSuccess: (result) => settleHandover(client, id, result),
  });
}

/** The ETag the API expects in If-Match: the view's version, quoted. */
export function etagOf(ticket: Pick<TicketView, 'version'>): string {
  return `"${ticket.version}"`;
}

/**
 * Saves field edits only if nobody changed the ticket since it was loaded (If-Match).
 * A 412 is left to the caller, which reloads instead of overwriting.
 */
export function useUpdateTicket(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ patch, etag }: { patch: TicketPatch; etag: string }) =>
      unwrap(
        api.PATCH('/api/v1/tickets/{id}', {
          params: { path: { id }, header: { 'If-Match': etag } },
          body: patch,
        }),
      ) as Promise<TicketView>,
    onSuccess: (view) => refreshTicket(client, id, view),
  });
}

/** Reloads the ticket after a refused stale edit, so the form shows what is really stored. */
export function reloadTicket(client: QueryClient, id: number) {
  return Promise.all([
    client.refetchQueries({ queryKey: detailKeys.ticket(id), exact: true }),
    client.invalidateQueries({ queryKey: detailKeys.events(id) }),
  ]);
}
