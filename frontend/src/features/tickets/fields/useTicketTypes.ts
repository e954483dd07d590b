import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/api/client';

/** Under ['ticket-types'], so the admin screens' invalidation refreshes the create form too. */
export const activeTicketTypesKey = ['ticket-types', 'active'] as const;

/** The active ticket types with the field definitions this caller may fill (customers: customer-visible only). */
export function useTicketTypes() {
  return useQuery({
    queryKey: activeTicketTypesKey,
    queryFn: () => unwrap(api.GET('/api/v1/ticket-types')),
    staleTime: 60_000,
  });
}
