// In-app notifications: the bell's unread count (live from the stream, polled when it is off), the list, mark
// read, the live stream's check, and the caller's notification preferences.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';
import type { ProbeResult } from './stream';

export type NotificationView = Schemas['NotificationView'];

export const POLL_MS = 30_000;
export const LIST_SIZE = 20;

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread-count'] as const,
  list: ['notifications', 'list'] as const,
  newest: ['notifications', 'newest-unread'] as const,
  preferences: ['notifications', 'preferences'] as const,
};

export type PreferenceView = Schemas['PreferenceView'];

/**
 * How many are unread. With `poll` (the live stream is off or failing) asked every 30 s while the tab is
 * visible (TanStack pauses intervals in background tabs); while live, the stream keeps it current.
 */
export function useUnreadCount(enabled: boolean, poll = true) {
  return useQuery({
    queryKey: notificationKeys.unread,
    enabled,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/notifications/unread-count', { signal })),
    refetchInterval: poll ? POLL_MS : false,
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

/**
 * Checks the live stream with the API client, whose 401 handling refreshes an expired access token once
 * (so the next EventSource gets a fresh one). The body of a successful answer is not read: it is cancelled.
 */
export async function probeStream(signal: AbortSignal): Promise<ProbeResult> {
  try {
    const { response } = await api.GET('/api/v1/stream', { parseAs: 'stream', signal });
    if (response.ok) void response.body?.cancel().catch(() => undefined);
    if (response.ok) return 'ok';
    if (response.status === 503) return 'unavailable';
    // The client already tried a refresh: the session is over.
    if (response.status === 401) return 'signed_out';
    return 'error';
  } catch {
    return 'error';
  }
}

/** A notification that just arrived: first in the cached list, one more unread. */
export function addArrived(client: QueryClient, item: NotificationView) {
  const list = client.getQueryData<Schemas['Page_NotificationView']>(notificationKeys.list);
  if (list && !list.items.some((n) => n.id === item.id)) {
    client.setQueryData<Schemas['Page_NotificationView']>(notificationKeys.list, {
      ...list,
      items: [item, ...list.items].slice(0, LIST_SIZE),
    });
  }
  if (item.read) return;
  const count = client.getQueryData<Schemas['UnreadCount']>(notificationKeys.unread);
  if (count) client.setQueryData<Schemas['UnreadCount']>(notificationKeys.unread, { unread: count.unread + 1 });
  else void client.invalidateQueries({ queryKey: notificationKeys.unread });
}

export function usePreferences() {
  return useQuery({
    queryKey: notificationKeys.preferences,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/notification-preferences', { signal })),
  });
}

export function useSavePreferences() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (preferences: PreferenceView[]) =>
      unwrap(api.PUT('/api/v1/me/notification-preferences', { body: { preferences } })),
    onSuccess: (saved) => client.setQueryData(notificationKeys.preferences, saved),
  });
}
