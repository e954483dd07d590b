import type { Schemas } from '@/api/client';

/**
 * The SLA countdown as pure functions: which clock a ticket's badge shows, how many minutes it has
 * left now, the badge's tone, and the duration in words ("1 h 20 min" / "1 小时 20 分").
 */

export type SlaState = Schemas['SlaState'];
export type SlaClock = Schemas['SlaClockView'];
export type TicketSla = Schemas['TicketSlaView'];
export type Tone = 'ok' | 'warning' | 'breached' | 'muted';

/** Green, amber, red, grey: the badge's colour per state (paused and met are grey). */
export const TONE: Record<SlaState, Tone> = { ok: 'ok', warning: 'warning', breached: 'breached', paused: 'muted', met: 'muted' };

export const TONE_COLOR: Record<Tone, string> = { ok: 'success', warning: 'warning', breached: 'error', muted: 'default' };

/** The parts of a duration in whole minutes: days and hours past a day, hours and minutes below. */
export function durationParts(minutes: number): { d: number; h: number; m: number } {
  const total = Math.abs(Math.trunc(minutes));
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  // Past a day the minutes no longer matter on a badge.
  return d > 0 ? { d, h, m: 0 } : { d: 0, h, m };
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** "2 d 3 h", "1 h 20 min", "2 h", "35 min" (the sign is the caller's business). */
export function formatDuration(minutes: number, t: Translate): string {
  const { d, h, m } = durationParts(minutes);
  if (d > 0) return h > 0 ? t('sla.duration.dh', { d, h }) : t('sla.duration.d', { d });
  if (h > 0) return m > 0 ? t('sla.duration.hm', { h, m }) : t('sla.duration.h', { h });
  return t('sla.duration.m', { m });
}

/** The clocks still running or overdue (not met), earliest due first; the badge shows the first. */
function runningClocks(sla: TicketSla): SlaClock[] {
  return [sla.first_response, sla.resolution]
    .filter((clock): clock is SlaClock => !!clock && clock.state !== 'met')
    .sort((a, b) => (a.due_at ? Date.parse(a.due_at) : Infinity) - (b.due_at ? Date.parse(b.due_at) : Infinity));
}

/** The clock a ticket's badge counts down: the earliest not met, else the last one met. */
export function primaryClock(sla: TicketSla): SlaClock | null {
  return runningClocks(sla)[0] ?? sla.resolution ?? sla.first_response ?? null;
}

/**
 * Minutes left now. Around the clock (no calendar) the due time tells exactly, so the badge counts down
 * between refreshes; on a business calendar only the server knows working time, so its figure stands.
 */
export function remainingNow(clock: SlaClock, onCalendar: boolean, now: number): number {
  if (clock.state === 'paused' || clock.state === 'met' || onCalendar || !clock.due_at) return clock.remaining_minutes;
  const ms = Date.parse(clock.due_at) - now;
  return ms >= 0 ? Math.floor(ms / 60_000) : -Math.ceil(-ms / 60_000);
}

/** The state to show now: a running clock whose time ran out since it was fetched is shown as breached. */
export function stateNow(state: SlaState, remaining: number): SlaState {
  return (state === 'ok' || state === 'warning') && remaining < 0 ? 'breached' : state;
}

export interface BadgeModel {
  state: SlaState;
  tone: Tone;
  text: string;
  /** The clock shown, for the tooltip (its metric and due time). */
  clock: SlaClock | null;
}

/** What one clock's badge says: "剩余 1 小时 20 分", "超时 35 分", "已暂停", "已达成". */
export function clockBadge(clock: SlaClock, onCalendar: boolean, now: number, t: Translate): BadgeModel {
  const remaining = remainingNow(clock, onCalendar, now);
  const state = stateNow(clock.state, remaining);
  const text =
    state === 'paused'
      ? t('sla.paused')
      : state === 'met'
        ? t('sla.met')
        : remaining < 0
          ? t('sla.overdue', { duration: formatDuration(remaining, t) })
          : t('sla.left', { duration: formatDuration(remaining, t) });
  return { state, tone: TONE[state], text, clock };
}

/** A ticket's badge: its primary clock, with the ticket's overall state when it is worse. */
export function ticketBadge(sla: TicketSla, now: number, t: Translate): BadgeModel {
  const clock = primaryClock(sla);
  if (!clock) return { state: sla.state, tone: TONE[sla.state], text: t(`sla.state.${sla.state}`), clock: null };
  const badge = clockBadge(clock, sla.calendar_id !== null && sla.calendar_id !== undefined, now, t);
  // A breached clock that is now paused still makes the ticket breached (the worst clock wins).
  if (sla.state === 'breached' && badge.state !== 'breached' && badge.state !== 'met') {
    return { ...badge, state: 'breached', tone: 'breached' };
  }
  return badge;
}
