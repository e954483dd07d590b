import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import type { Schemas } from '@/api/client';
import { SlaBadge } from './SlaBadge';
import { SlaPanel } from './SlaPanel';

type Clock = Schemas['SlaClockView'];
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000 + 20_000).toISOString();

function sla(state: Schemas['SlaState'], resolution: Partial<Clock>, first: Partial<Clock> | null = null): Schemas['TicketSlaView'] {
  const base: Clock = { metric: 'resolution', state, target_minutes: 240, remaining_minutes: 80, due_at: inMinutes(80) };
  return {
    policy_id: 2,
    policy_name: 'VIP 客户',
    calendar_id: null,
    state,
    due_at: base.due_at,
    resolution: { ...base, ...resolution },
    first_response: first ? { ...base, metric: 'first_response', target_minutes: 30, ...first } : null,
  };
}

describe('SlaBadge', () => {
  it.each([
    ['ok', { remaining_minutes: 80, due_at: inMinutes(80) }, '1 h 20 min left', 'ant-tag-success'],
    ['warning', { remaining_minutes: 15, due_at: inMinutes(15) }, '15 min left', 'ant-tag-warning'],
    ['breached', { remaining_minutes: -35, due_at: inMinutes(-35) }, '35 min overdue', 'ant-tag-error'],
    ['paused', { remaining_minutes: 40, due_at: null, paused_since: inMinutes(-5) }, 'Paused', 'ant-tag-default'],
    ['met', { remaining_minutes: 40, met_at: inMinutes(-5) }, 'Met', 'ant-tag-default'],
  ] as const)('%s: its text in its colour', (state, clock, text, colour) => {
    render(<SlaBadge sla={sla(state, clock)} />);
    const badge = screen.getByTestId('sla-badge');
    expect(badge).toHaveTextContent(text);
    expect(badge).toHaveAttribute('data-sla-state', state);
    expect(badge.className).toContain(colour);
  });

  it('renders nothing without a policy', () => {
    const { container } = render(<SlaBadge sla={null} />);
    expect(container).toBeEmptyDOMElement();
  });
});

describe('SlaPanel', () => {
  it('shows both clocks with their targets and due or met times', () => {
    render(<SlaPanel sla={sla('ok', {}, { state: 'met', met_at: '2026-11-23T01:10:00Z' })} />);
    const panel = screen.getByTestId('sla-panel');
    expect(panel).toHaveTextContent('VIP 客户');
    expect(panel).toHaveTextContent('Counted around the clock (24×7)');
    const [first, resolution] = within(panel).getAllByTestId('sla-clock');
    expect(first).toHaveTextContent('First response');
    expect(first).toHaveTextContent('Target 30 min');
    expect(first).toHaveTextContent(/met 2026-11-23 \d\d:10/);
    expect(resolution).toHaveTextContent('Target 4 h');
    expect(resolution).toHaveTextContent('1 h 20 min left');
    expect(resolution).toHaveTextContent(/due \d{4}-\d\d-\d\d \d\d:\d\d/);
  });
});
