import { beforeAll, describe, expect, it } from 'vitest';
import i18n from '@/i18n';
import { clockBadge, formatDuration, primaryClock, remainingNow, ticketBadge, type SlaClock, type TicketSla } from './countdown';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const en = i18n.getFixedT('en') as unknown as (key: string, options?: Record<string, unknown>) => string;
const zh = i18n.getFixedT('zh-CN') as unknown as (key: string, options?: Record<string, unknown>) => string;

beforeAll(async () => {
  await i18n.loadLanguages('zh-CN');
  await i18n.loadNamespaces('common');
});

function clock(extra: Partial<SlaClock>): SlaClock {
  return { metric: 'resolution', state: 'ok', target_minutes: 240, remaining_minutes: 80, due_at: '2026-11-23T07:20:00Z', ...extra };
}

function sla(extra: Partial<TicketSla>): TicketSla {
  return { policy_id: 1, policy_name: 'VIP', calendar_id: null, state: 'ok', due_at: null, first_response: null, resolution: null, ...extra };
}

describe('formatDuration', () => {
  it('writes minutes, hours and minutes, and days and hours in both languages', () => {
    expect(formatDuration(35, en)).toBe('35 min');
    expect(formatDuration(80, en)).toBe('1 h 20 min');
    expect(formatDuration(120, en)).toBe('2 h');
    expect(formatDuration(1440 + 180 + 7, en)).toBe('1 d 3 h');
    expect(formatDuration(2880, en)).toBe('2 d');
    expect(formatDuration(0, en)).toBe('0 min');
    expect(formatDuration(80, zh)).toBe('1 小时 20 分');
    expect(formatDuration(35, zh)).toBe('35 分');
    expect(formatDuration(-35, zh)).toBe('35 分');
  });
});

describe('clock badges', () => {
  it('says what is left, green while ok and amber when warned', () => {
    expect(clockBadge(clock({ remaining_minutes: 80 }), true, NOW, zh)).toMatchObject({ state: 'ok', tone: 'ok', text: '剩余 1 小时 20 分' });
    expect(clockBadge(clock({ remaining_minutes: 80 }), true, NOW, en)).toMatchObject({ text: '1 h 20 min left' });
    expect(clockBadge(clock({ state: 'warning', remaining_minutes: 12 }), true, NOW, en)).toMatchObject({ tone: 'warning', text: '12 min left' });
  });

  it('says how long it is overdue when the minutes are negative, red', () => {
    expect(clockBadge(clock({ state: 'breached', remaining_minutes: -35 }), true, NOW, zh)).toMatchObject({ tone: 'breached', text: '超时 35 分' });
    expect(clockBadge(clock({ state: 'breached', remaining_minutes: -95 }), true, NOW, en)).toMatchObject({ text: '1 h 35 min overdue' });
  });

  it('shows paused and met in grey, whatever the minutes', () => {
    expect(clockBadge(clock({ state: 'paused', remaining_minutes: -10 }), true, NOW, zh)).toMatchObject({ tone: 'muted', text: '已暂停' });
    expect(clockBadge(clock({ state: 'met', remaining_minutes: 30 }), true, NOW, en)).toMatchObject({ tone: 'muted', text: 'Met' });
  });

  it('around the clock counts down from the due time, and turns red once it has passed', () => {
    const due = new Date(NOW + 20 * 60_000 + 30_000).toISOString();
    // Fetched long ago with 80 minutes left: the due time is what counts now.
    expect(remainingNow(clock({ remaining_minutes: 80, due_at: due }), false, NOW)).toBe(20);
    const past = new Date(NOW - 5 * 60_000 - 1_000).toISOString();
    expect(clockBadge(clock({ state: 'warning', remaining_minutes: 3, due_at: past }), false, NOW, en)).toMatchObject({
      state: 'breached',
      tone: 'breached',
      text: '6 min overdue',
    });
    // On a business calendar only the server knows working time.
    expect(remainingNow(clock({ remaining_minutes: 80, due_at: due }), true, NOW)).toBe(80);
  });
});

describe('ticket badges', () => {
  it('shows the earliest clock not yet met', () => {
    const first = clock({ metric: 'first_response', state: 'met', remaining_minutes: 10, due_at: '2026-11-23T06:30:00Z' });
    const resolution = clock({ metric: 'resolution', state: 'warning', remaining_minutes: 50, due_at: '2026-11-23T06:50:00Z' });
    expect(primaryClock(sla({ first_response: first, resolution }))?.metric).toBe('resolution');
    const running = clock({ metric: 'first_response', state: 'ok', remaining_minutes: 10, due_at: '2026-11-23T06:10:00Z' });
    expect(primaryClock(sla({ first_response: running, resolution }))?.metric).toBe('first_response');
    expect(ticketBadge(sla({ calendar_id: 3, state: 'warning', first_response: first, resolution }), NOW, en).text).toBe('50 min left');
  });

  it('stays red while a breached ticket waits paused, and grey once every clock is met', () => {
    const paused = clock({ state: 'paused', remaining_minutes: -20 });
    expect(ticketBadge(sla({ calendar_id: 3, state: 'breached', resolution: paused }), NOW, zh)).toMatchObject({ tone: 'breached', text: '已暂停' });
    const met = clock({ state: 'met', met_at: '2026-11-23T05:00:00Z' });
    expect(ticketBadge(sla({ state: 'met', resolution: met }), NOW, en)).toMatchObject({ tone: 'muted', text: 'Met' });
    expect(ticketBadge(sla({ state: 'ok' }), NOW, en)).toMatchObject({ tone: 'ok', text: 'On time' });
  });
});
