import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type WatchersView = Schemas['WatchersView'];

export const watcherKeys = {
  of: (ticketId: number) => ['ticket', ticketId, 'watchers'] as const,
};

/** Who watches (关注) the ticket: staff who hear about its replies, notes and status changes. */
export function useWatchers(ticketId: number) {
  return useQuery({
    queryKey: watcherKeys.of(ticketId),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/tickets/{id}/watchers', { params: { path: { id: ticketId } }, signal })),
  });
}

/** Adds a watcher: yourself without a user (any staff who sees the ticket), someone else with `tickets_assign`. */
export function useAddWatcher(ticketId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: number | null) =>
      unwrap(
        api.POST('/api/v1/tickets/{id}/watchers', { params: { path: { id: ticketId } }, body: userId === null ? {} : { user_id: userId } }),
      ),
    onSuccess: (view) => client.setQueryData(watcherKeys.of(ticketId), view),
  });
}

export function useRemoveWatcher(ticketId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) =>
      unwrap(api.DELETE('/api/v1/tickets/{id}/watchers/{user_id}', { params: { path: { id: ticketId, user_id: userId } } })),
    onSuccess: (view) => client.setQueryData(watcherKeys.of(ticketId), view),
  });
}
