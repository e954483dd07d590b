import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchAllPages, MAX_PAGE_LIMIT, unwrap, type Schemas } from '@/api/client';

/** Query keys of the admin screens; mutations invalidate by the first element. */
export const adminKeys = {
  roles: ['admin', 'roles'] as const,
  groups: ['admin', 'groups'] as const,
  organizations: ['admin', 'organizations'] as const,
  allOrganizations: ['admin', 'organizations', 'all'] as const,
  users: (filters: UserFilters) => ['admin', 'users', filters] as const,
  usersAll: ['admin', 'users'] as const,
  apiKeys: ['admin', 'api-keys'] as const,
};

export type UserFilters = {
  q?: string;
  kind?: Schemas['UserKind'];
  role?: string;
  active?: boolean;
  organization_id?: number;
  group_id?: number;
};

const PAGE_SIZE = 50;

export function useRoles() {
  return useQuery({ queryKey: adminKeys.roles, queryFn: () => unwrap(api.GET('/api/v1/roles')), staleTime: 5 * 60_000 });
}

export function useGroups() {
  return useQuery({ queryKey: adminKeys.groups, queryFn: () => unwrap(api.GET('/api/v1/groups')) });
}

/** Organisations page by page, for the organisations screen. */
export function useOrganizationPages() {
  return useInfiniteQuery({
    queryKey: adminKeys.organizations,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/organizations', { params: { query: { limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** Every organisation, for pickers and names (the API has no search on organisations). */
export function useAllOrganizations(enabled = true) {
  return useQuery({
    queryKey: adminKeys.allOrganizations,
    enabled,
    // Bounded: 50 pages of 200 is far beyond what a picker can show anyway.
    queryFn: () =>
      fetchAllPages((cursor) =>
        unwrap(api.GET('/api/v1/organizations', { params: { query: { limit: MAX_PAGE_LIMIT, cursor } } })),
      ),
  });
}

export function useUserPages(filters: UserFilters) {
  return useInfiniteQuery({
    queryKey: adminKeys.users(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/users', { params: { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** Staff matching a search, for member pickers (first 20). */
export function useStaffSearch(q: string) {
  return useQuery({
    queryKey: ['admin', 'users', 'staff-search', q],
    queryFn: () =>
      unwrap(api.GET('/api/v1/users', { params: { query: { kind: 'staff', active: true, q: q || undefined, limit: 20 } } })),
    placeholderData: (previous) => previous,
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: adminKeys.apiKeys, queryFn: () => unwrap(api.GET('/api/v1/api-keys')) });
}

/**
 * Marks as stale every cached query about a resource, the admin lists and other screens'
 * copies alike (e.g. the new-ticket form's ticket types), whatever their key spelling:
 * `ticket-types`, `ticketTypes` and `ticket_types` all match `ticket-types`.
 */
export function useInvalidate() {
  const client = useQueryClient();
  return (resource: 'users' | 'groups' | 'organizations' | 'ticket-types' | 'api-keys' | 'roles') => {
    const wanted = normalise(resource);
    return client.invalidateQueries({
      predicate: (query) => query.queryKey.some((part) => typeof part === 'string' && normalise(part).includes(wanted)),
    });
  };
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '');
}
