// Ticket queries shared by the ticket screens: query keys and hooks. Add to it; do not change what others use.
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, fetchAllPages, MAX_PAGE_LIMIT, unwrap, type Schemas } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import type { TicketListQuery } from './list/filters';

export type TicketView = Schemas['TicketView'];
export type TicketPage = Schemas['Page_TicketView'];

/** Query keys: invalidate `ticketKeys.lists()` after any ticket change so every list refreshes. */
export const ticketKeys = {
  all: ['tickets'] as const,
  lists: () => [...ticketKeys.all, 'list'] as const,
  list: (query: TicketListQuery) => [...ticketKeys.lists(), query] as const,
  details: () => [...ticketKeys.all, 'detail'] as const,
  detail: (id: number) => [...ticketKeys.details(), id] as const,
};

/** Reference data the ticket screens name things with (groups, staff; ticket types: src/api/ticketTypes). */
export const directoryKeys = {
  groups: ['groups'] as const,
  staff: ['users', { kind: 'staff' }] as const,
};

export const TICKET_PAGE_SIZE = 50;

export async function fetchTicketPage(
  query: TicketListQuery,
  cursor: string | null,
  signal?: AbortSignal,
  limit = TICKET_PAGE_SIZE,
): Promise<TicketPage> {
  const params = { query: { ...query, limit, ...(cursor ? { cursor } : {}) } };
  return unwrap(api.GET('/api/v1/tickets', { params, signal }));
}

/** The query of one list of tickets (its key, page by page over `next_cursor`): the list's hook, and the prefetch at start. */
export function ticketListQueryOptions(query: TicketListQuery) {
  return infiniteQueryOptions({
    queryKey: ticketKeys.list(query),
    queryFn: ({ pageParam, signal }) => fetchTicketPage(query, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: TicketPage) => last.next_cursor ?? undefined,
  });
}

/** One list of tickets, page by page over `next_cursor` ("load more"). A new query starts from the first page. */
export function useTicketList(query: TicketListQuery) {
  return useInfiniteQuery({
    ...ticketListQueryOptions(query),
    // While another filter loads, keep showing the previous rows (dimmed) instead of a skeleton.
    placeholderData: keepPreviousData,
  });
}

/** All groups (needs `users_read` or `groups_manage`). */
export function groupsQueryOptions() {
  return queryOptions({
    queryKey: directoryKeys.groups,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/groups', { signal })),
    staleTime: 5 * 60_000,
  });
}

/** Every staff user (needs `users_read` or `users_manage`). Staff is a few dozen people; the page cap only guards against a runaway cursor. */
export function staffQueryOptions() {
  return queryOptions({
    queryKey: directoryKeys.staff,
    queryFn: ({ signal }) =>
      fetchAllPages(
        (cursor) =>
          unwrap(
            api.GET('/api/v1/users', {
              params: { query: { kind: 'staff', limit: MAX_PAGE_LIMIT, cursor } },
              signal,
            }),
          ),
        { maxPages: 20 },
      ),
    staleTime: 5 * 60_000,
  });
}

/** All groups; needs `users_read` or `groups_manage`, otherwise stays idle. */
export function useGroups() {
  const { can } = useAuth();
  return useQuery({ ...groupsQueryOptions(), enabled: can('users_read') || can('groups_manage') });
}

/** Every staff user (pickers, assignee names); needs `users_read` or `users_manage`, otherwise stays idle. */
export function useStaffUsers() {
  const { can } = useAuth();
  return useQuery({ ...staffQueryOptions(), enabled: can('users_read') || can('users_manage') });
}

/** id → name for one reference list, built once per fetch so rows never search arrays. */
export function nameMap(items: readonly { id: number; name: string }[] | undefined): ReadonlyMap<number, string> {
  return new Map((items ?? []).map((item) => [item.id, item.name]));
}
