import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import type { EventView } from './api';
import { Timeline } from './Timeline';
import { mergeTimeline } from './timeline';

function event(id: number, kind: EventView['kind'], extra: Partial<EventView> = {}): EventView {
  return { id, ticket_id: 7, kind, actor_id: 11, actor_name: '李工', created_at: `2026-11-20T0${id}:00:00Z`, ...extra };
}

const EVENTS: EventView[] = [
  event(1, 'dispatched', {
    actor_id: null,
    actor_name: null,
    note: "rule 'VIP 投诉' → group 售后二组, least loaded: 李工 (3 open)",
    dispatch: { cause: { kind: 'created' }, rules: [{ id: 4, name: 'VIP 投诉' }] },
  }),
  event(2, 'declined', { field: 'assignee_id', old_value: '11', old_label: '李工', note: '明天休假，无法上门' }),
  event(3, 'escalated', {
    actor_id: null,
    actor_name: null,
    field: 'assignee_id',
    old_value: '12',
    old_label: '杨师傅',
    note: 'not accepted within 15 min',
  }),
  event(4, 'dispatched', { actor_name: '王主管', actor_id: 2, note: 'rule … → pool', dispatch: { cause: { kind: 'reroute' } } }),
  event(5, 'claimed', { actor_name: '刘洋', actor_id: 14, field: 'assignee_id', new_value: '14' }),
  event(6, 'accepted', { field: 'assignee_id', new_value: '11' }),
];

describe('dispatch entries in the timeline', () => {
  it('names each dispatch event, shows the reason text, and the system as the escalating actor', () => {
    render(<Timeline items={mergeTimeline([], EVENTS)} fields={[]} requesterId={21} />);
    const items = within(screen.getByTestId('timeline')).getAllByTestId('timeline-item');
    expect(items.map((item) => item.getAttribute('data-event'))).toEqual([
      'dispatched',
      'declined',
      'escalated',
      'dispatched',
      'claimed',
      'accepted',
    ]);
    expect(items[0]).toHaveTextContent('Dispatch routed the new ticket');
    expect(items[0]).toHaveTextContent("Whyrule 'VIP 投诉' → group 售后二组, least loaded: 李工 (3 open)");
    expect(items[1]).toHaveTextContent('李工 declined the ticket');
    expect(items[1]).toHaveTextContent('Reason明天休假，无法上门');
    expect(items[2]).toHaveTextContent('System escalated the ticket: 杨师傅 did not accept it in time');
    expect(items[3]).toHaveTextContent('王主管 routed the ticket again');
    expect(items[4]).toHaveTextContent('刘洋 claimed the ticket from the pool');
    expect(items[5]).toHaveTextContent('李工 accepted the ticket');
  });
});

describe('SLA entries in the timeline', () => {
  it('names the clock and the step, keeps the server’s sentence, and marks a breach', () => {
    const events: EventView[] = [
      event(1, 'sla', {
        actor_id: null,
        actor_name: null,
        note: 'resolution clock started (target 240 min)',
        sla: { kind: 'started', metric: 'resolution', at: '2026-11-20T01:00:00Z', due_at: '2026-11-20T05:00:00Z', target_minutes: 240 },
      }),
      event(2, 'sla', {
        actor_id: null,
        actor_name: null,
        note: '解决时限已超时（目标 240 分钟）',
        sla: { kind: 'breached', metric: 'resolution', at: '2026-11-20T05:00:00Z', due_at: '2026-11-20T05:00:00Z', target_minutes: 240 },
      }),
    ];
    render(<Timeline items={mergeTimeline([], events)} fields={[]} requesterId={21} />);
    const items = within(screen.getByTestId('timeline')).getAllByTestId('timeline-item');
    expect(items.map((item) => item.getAttribute('data-sla'))).toEqual(['started', 'breached']);
    expect(items[0]).toHaveTextContent('SLA: the Resolution clock started');
    expect(items[0]).toHaveTextContent(/due 2026-11-20 \d\d:00/);
    expect(items[1]).toHaveTextContent('SLA breached: Resolution target missed');
    expect(items[1]).toHaveTextContent('Details解决时限已超时（目标 240 分钟）');
  });
});
