import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchAllPages, MAX_PAGE_LIMIT, unwrap, type Schemas } from '@/api/client';

type TicketStatus = Schemas['TicketStatus'];
export type TicketView = Schemas['TicketView'];
export type CommentView = Schemas['CommentView'];
export type EventView = Schemas['EventView'];

/** The portal's list views, kept in the URL (?view=). */
export const PORTAL_VIEWS = ['all', 'open', 'awaiting', 'closed'] as const;
export type PortalView = (typeof PORTAL_VIEWS)[number];

const VIEW_STATUSES: Record<PortalView, TicketStatus[] | null> = {
  all: null,
  open: ['new', 'assigned', 'in_progress', 'pending'],
  awaiting: ['resolved'],
  closed: ['closed'],
};

export const PAGE_SIZE = 20;

/** The caller's tickets (the API scopes customers to their own), most recently updated first. */
export function usePortalTickets(view: PortalView) {
  return useInfiniteQuery({
    queryKey: ['tickets', 'portal', view],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/tickets', {
          params: {
            query: { status: VIEW_STATUSES[view]?.join(','), sort: '-updated_at', limit: PAGE_SIZE, cursor: pageParam },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

const ticketKey = (id: number) => ['tickets', 'portal', 'one', id] as const;
const timelineKey = (id: number) => ['tickets', 'portal', 'timeline', id] as const;

export function usePortalTicket(id: number) {
  return useQuery({
    queryKey: ticketKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),
    enabled: Number.isSafeInteger(id) && id > 0,
  });
}

export interface PortalTimeline {
  comments: CommentView[];
  events: EventView[];
}

/** Replies and status changes. Internal notes are dropped here too, whatever the API sends. */
export function usePortalTimeline(id: number) {
  return useQuery({
    queryKey: timelineKey(id),
    queryFn: async (): Promise<PortalTimeline> => {
      const path = { id };
      // Every page of both: a ticket's history is short enough to show whole.
      const bounded = { maxPages: 20 };
      const [comments, events] = await Promise.all([
        fetchAllPages(
          (cursor) => unwrap(api.GET('/api/v1/tickets/{id}/comments', { params: { path, query: { limit: MAX_PAGE_LIMIT, cursor } } })),
          bounded,
        ),
        fetchAllPages(
          (cursor) => unwrap(api.GET('/api/v1/tickets/{id}/events', { params: { path, query: { limit: MAX_PAGE_LIMIT, cursor } } })),
          bounded,
        ),
      ]);
      return {
        comments: comments.filter((comment) => !comment.internal),
        events: events.filter((event) => event.kind === 'created' || event.kind === 'status_changed'),
      };
    },
    enabled: Number.isSafeInteger(id) && id > 0,
  });
}

/** After a reply or a transition: the ticket, its history and the lists all changed. */
function useRefreshTicket(id: number) {
  const queryClient = useQueryClient();
  return (ticket?: TicketView) => {
    if (ticket) queryClient.setQueryData(ticketKey(id), ticket);
    void queryClient.invalidateQueries({ queryKey: ['tickets'] });
  };
}

export function useReply(id: number) {
  const refresh = useRefreshTicket(id);
  return useMutation({
    // Customers write public replies only.
    mutationFn: (body: string) =>
      unwrap(api.POST('/api/v1/tickets/{id}/comments', { params: { path: { id } }, body: { body, internal: false } })),
    onSuccess: () => refresh(),
  });
}

export function useTransition(id: number) {
  const refresh = useRefreshTicket(id);
  return useMutation({
    mutationFn: (status: TicketStatus) =>
      unwrap(api.POST('/api/v1/tickets/{id}/transitions', { params: { path: { id } }, body: { status } })),
    onSuccess: (ticket) => refresh(ticket),
  });
}
