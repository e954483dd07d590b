import { describe, expect, it } from 'vitest';
import type { CommentView, EventView } from './api';
import { mergeTimeline } from './timeline';

function comment(id: number, at: string, internal = false): CommentView {
  return { id, ticket_id: 7, author_id: 11, author_name: '李工', body: `comment ${id}`, internal, created_at: at };
}

function event(id: number, at: string, kind: EventView['kind'], extra: Partial<EventView> = {}): EventView {
  return { id, ticket_id: 7, kind, actor_id: 11, created_at: at, ...extra };
}

describe('mergeTimeline', () => {
  it('orders comments and events by time and marks internal notes', () => {
    const items = mergeTimeline(
      [comment(2, '2026-11-20T12:00:00Z', true), comment(1, '2026-11-20T10:00:00Z')],
      [event(10, '2026-11-20T09:00:00Z', 'created'), event(11, '2026-11-20T11:00:00Z', 'status_changed')],
    );
    expect(items.map((item) => item.kind)).toEqual(['event', 'reply', 'event', 'internal']);
    expect(items.map((item) => item.key)).toEqual(['event-10', 'comment-1', 'event-11', 'comment-2']);
  });

  it('leaves out the events that only announce a comment', () => {
    const items = mergeTimeline(
      [comment(1, '2026-11-20T10:00:00Z'), comment(2, '2026-11-20T11:00:00Z', true)],
      [
        event(10, '2026-11-20T10:00:00Z', 'comment_added', { new_value: '1' }),
        event(11, '2026-11-20T11:00:00Z', 'internal_note_added', { new_value: '2' }),
      ],
    );
    expect(items.map((item) => item.key)).toEqual(['comment-1', 'comment-2']);
  });

  it('puts a comment before the events it caused at the same instant', () => {
    const at = '2026-11-20T10:00:00Z';
    const items = mergeTimeline([comment(5, at)], [event(20, at, 'status_changed', { note: 'the requester replied' })]);
    expect(items.map((item) => item.key)).toEqual(['comment-5', 'event-20']);
  });

  it('shows one transfer (group and assignee changed together) as one entry with one reason', () => {
    const at = '2026-11-20T13:00:00Z';
    const items = mergeTimeline(
      [],
      [
        event(30, at, 'transferred', { field: 'group_id', old_value: '2', new_value: '3', note: '客户位于华南区' }),
        event(31, at, 'transferred', { field: 'assignee_id', old_value: '7', new_value: '9', note: '客户位于华南区' }),
        event(32, at, 'status_changed', { old_value: 'assigned', new_value: 'new' }),
      ],
    );
    expect(items).toHaveLength(2);
    const [transfer] = items;
    expect(transfer?.kind === 'event' && transfer.related.map((e) => e.id)).toEqual([31]);
  });
});
