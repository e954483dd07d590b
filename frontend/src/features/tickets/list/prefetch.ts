// The ticket list's first requests, started as soon as the session is known at start (src/app/router.tsx)
// instead of when the list's code has arrived and rendered: the page of tickets and the names it shows
// are already on their way while the layout and the list download.
import type { QueryClient } from '@tanstack/react-query';
import { ticketTypesQueryOptions } from '@/api/ticketTypes';
import type { CurrentUser } from '@/auth/session';
import { groupsQueryOptions, staffQueryOptions, ticketListQueryOptions } from '../api';
import { parseSearchParams, toApiQuery } from './filters';

/**
 * Fetches into `client` what the list at `search` (its URL's query string) asks for first, under the
 * same keys, with the same permission rules as its hooks: the list page then renders from the cache.
 * Nothing for customers (the portal has its own list). The page finds the data fresh while the client's
 * `staleTime` (15 s, src/app/queryClient.ts) lasts, so it does not ask again.
 */
export function prefetchTicketList(client: QueryClient, user: CurrentUser, search: string) {
  if (user.kind !== 'staff') return;
  const can = (permission: CurrentUser['permissions'][number]) => user.permissions.includes(permission);
  const state = parseSearchParams(new URLSearchParams(search), { groupIds: user.group_ids });
  void client.prefetchInfiniteQuery(ticketListQueryOptions(toApiQuery(state.filters)));
  void client.prefetchQuery(ticketTypesQueryOptions());
  if (can('users_read') || can('groups_manage')) void client.prefetchQuery(groupsQueryOptions());
  if (can('users_read') || can('users_manage')) void client.prefetchQuery(staffQueryOptions());
}
