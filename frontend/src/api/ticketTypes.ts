// Ticket types, the reference data every part of the app names tickets with: one cache entry per
// request, whichever screen asks. Use with `useQuery(ticketTypesQueryOptions())`; a screen that
// wants fresher data than these defaults overrides `staleTime` and keeps the key. Every key starts
// with `ticket-types`: the admin screens invalidate that after a change.
import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from './client';

/** Every ticket type, inactive ones too: old tickets still carry them (names, filters, admin). */
export function ticketTypesQueryOptions() {
  return queryOptions({
    queryKey: ['ticket-types', 'all'] as const,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/ticket-types', { params: { query: { include_inactive: true } }, signal })),
    staleTime: 5 * 60_000,
  });
}

/** The active ticket types with the field definitions this caller may fill (customers: customer-visible only). */
export function activeTicketTypesQueryOptions() {
  return queryOptions({
    queryKey: ['ticket-types', 'active'] as const,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/ticket-types', { signal })),
    staleTime: 60_000,
  });
}

/** One ticket type with its field definitions. */
export function ticketTypeQueryOptions(id: number) {
  return queryOptions({
    queryKey: ['ticket-types', 'one', id] as const,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/ticket-types/{id}', { params: { path: { id } }, signal })),
    staleTime: 5 * 60_000,
  });
}
