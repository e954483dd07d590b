import type { CommentView, EventView } from './api';

export type TimelineItem =
  | { kind: 'reply' | 'internal'; key: string; at: number; comment: CommentView }
  | { kind: 'event'; key: string; at: number; event: EventView; related: EventView[] };

type EventGroup = [EventView, ...EventView[]];

/** These events only announce a comment, which the timeline shows itself. */
const COMMENT_EVENTS: ReadonlySet<EventView['kind']> = new Set(['comment_added', 'internal_note_added']);

/**
 * One chronological stream of replies, internal notes and history events, oldest first.
 * At the same instant a comment comes before the events it caused (e.g. "the requester
 * replied" moving a pending ticket back to in progress); otherwise ids keep the API's order.
 */
export function mergeTimeline(comments: readonly CommentView[], events: readonly EventView[]): TimelineItem[] {
  const items: TimelineItem[] = [
    ...comments.map(
      (comment): TimelineItem => ({
        kind: comment.internal ? 'internal' : 'reply',
        key: `comment-${comment.id}`,
        at: Date.parse(comment.created_at),
        comment,
      }),
    ),
    ...events
      .filter((event) => !COMMENT_EVENTS.has(event.kind))
      .reduce<EventGroup[]>(groupHandovers, [])
      .map(
        ([event, ...related]): TimelineItem => ({
          kind: 'event',
          key: `event-${event.id}`,
          at: Date.parse(event.created_at),
          event,
          related,
        }),
      ),
  ];
  return items.sort((a, b) => a.at - b.at || rank(a) - rank(b) || idOf(a) - idOf(b));
}

/**
 * One assignment or transfer writes an event per changed field (group, assignee) with the
 * same note: shown as one entry, so a transfer reason appears once.
 */
function groupHandovers(groups: EventGroup[], event: EventView): EventGroup[] {
  const last = groups.at(-1);
  const first = last?.[0];
  if (
    last &&
    first &&
    (event.kind === 'assigned' || event.kind === 'transferred') &&
    event.kind === first.kind &&
    event.created_at === first.created_at &&
    event.actor_id === first.actor_id &&
    (event.note ?? null) === (first.note ?? null)
  ) {
    last.push(event);
  } else {
    groups.push([event]);
  }
  return groups;
}

function rank(item: TimelineItem): number {
  return item.kind === 'event' ? 1 : 0;
}

function idOf(item: TimelineItem): number {
  return item.kind === 'event' ? item.event.id : item.comment.id;
}
