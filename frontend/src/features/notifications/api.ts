// In-app notifications: the bell's unread count (polled; there is no live stream yet), the list, mark read.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type NotificationView = Schemas['NotificationView'];

export const POLL_MS = 30_000;
export const LIST_SIZE = 20;

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread-count'] as const,
  list: ['notifications', 'list'] as const,
  newest: ['notifications', 'newest-unread'] as const,
};

/** How many are unread; asked every 30 s while the tab is visible (TanStack pauses intervals in background tabs). */
export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.unread,
    enabled,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/notifications/unread-count', { signal })),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
  });
}

/** The newest notifications, read or not, for the bell's list (fetched when it opens). */
export function useNotifications(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.list,
    enabled,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: LIST_SIZE } }, signal })),
  });
}

export function fetchNewestUnread() {
  return unwrap(api.GET('/api/v1/notifications', { params: { query: { unread: true, limit: 1 } } }));
}

/** Marks the given notifications read, or all of the caller's without ids; count and list follow. */
export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: number[] | null) =>
      // Without ids: every one of the caller's.
      unwrap(api.POST('/api/v1/notifications/read', { body: ids ? { ids } : {} })),
    onMutate: (ids) => {
      // Shown read at once; the refetch below confirms.
      client.setQueryData<Schemas['Page_NotificationView']>(notificationKeys.list, (page) =>
        page ? { ...page, items: page.items.map((n) => (ids === null || ids.includes(n.id) ? { ...n, read: true } : n)) } : page,
      );
      client.setQueryData<Schemas['UnreadCount']>(notificationKeys.unread, (count) =>
        count ? { unread: ids === null ? 0 : Math.max(0, count.unread - ids.length) } : count,
      );
    },
    onSettled: () => void client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
