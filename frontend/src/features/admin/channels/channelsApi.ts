import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type ChannelView = Schemas['ChannelView'];
export type ChannelInput = Schemas['ChannelInput'];
export type DeliveryView = Schemas['DeliveryView'];
export type DeliveryStatus = Schemas['DeliveryStatus'];

export const channelKeys = {
  channels: ['admin', 'notification-channels'] as const,
  deliveries: (status: DeliveryStatus | null) => ['admin', 'deliveries', status ?? 'all'] as const,
  allDeliveries: ['admin', 'deliveries'] as const,
};

export function useChannels() {
  return useQuery({ queryKey: channelKeys.channels, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/notification-channels', { signal })) });
}

/** Creates (no id) or replaces a channel. */
export function useSaveChannel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: number | null; input: ChannelInput }) =>
      id === null
        ? unwrap(api.POST('/api/v1/notification-channels', { body: input }))
        : unwrap(api.PUT('/api/v1/notification-channels/{id}', { params: { path: { id } }, body: input })),
    onSuccess: () => void client.invalidateQueries({ queryKey: channelKeys.channels }),
  });
}

export function useDeleteChannel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/notification-channels/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: channelKeys.channels }),
  });
}

/** The delivery log, newest first, page by page. */
export function useDeliveries(status: DeliveryStatus | null) {
  return useInfiniteQuery({
    queryKey: channelKeys.deliveries(status),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/deliveries', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** Sends a failed delivery again (409 when it has not failed). */
export function useRetryDelivery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.POST('/api/v1/deliveries/{id}/retry', { params: { path: { id } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: channelKeys.allDeliveries }),
  });
}
