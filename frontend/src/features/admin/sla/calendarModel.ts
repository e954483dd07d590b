import type { Schemas } from '@/api/client';
import type { CalendarInput, CalendarView } from './slaApi';

/**
 * The calendar editor as a pure model: a draft with spans per weekday (each row with a uid),
 * holidays and make-up days (调休), conversion from and to the API's shapes, a light check that
 * mirrors the server's, and the import's line errors.
 */

export type Weekday = Schemas['Weekday'];
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface DraftSpan {
  uid: string;
  from: string;
  to: string;
}

export interface DraftHoliday {
  uid: string;
  date: string;
  name: string;
}

export interface DraftWorkday extends DraftHoliday {
  worksLike: Weekday;
}

export interface DraftCalendar {
  name: string;
  timeZone: string;
  week: Record<Weekday, DraftSpan[]>;
  holidays: DraftHoliday[];
  workdays: DraftWorkday[];
}

let counter = 0;
const uid = (prefix: string) => `${prefix}${(counter += 1)}`;

const span = (from: string, to: string): DraftSpan => ({ uid: uid('s'), from, to });

/** A new calendar: Monday to Friday 09:00–12:00 and 13:30–18:00 in the browser's time zone. */
export function newCalendar(timeZone = browserTimeZone()): DraftCalendar {
  const workday = () => [span('09:00', '12:00'), span('13:30', '18:00')];
  return {
    name: '',
    timeZone,
    week: { mon: workday(), tue: workday(), wed: workday(), thu: workday(), fri: workday(), sat: [], sun: [] },
    holidays: [],
    workdays: [],
  };
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
  } catch {
    return 'Asia/Shanghai';
  }
}

export function fromCalendarView(view: Pick<CalendarView, 'name' | 'time_zone' | 'week' | 'holidays' | 'extra_working_days'>): DraftCalendar {
  const week = Object.fromEntries(WEEKDAYS.map((day) => [day, (view.week[day] ?? []).map((s) => span(s.from, s.to))])) as Record<Weekday, DraftSpan[]>;
  return {
    name: view.name,
    timeZone: view.time_zone,
    week,
    holidays: [...(view.holidays ?? [])].sort(byDate).map((h) => ({ uid: uid('h'), date: h.date, name: h.name ?? '' })),
    workdays: [...(view.extra_working_days ?? [])]
      .sort(byDate)
      .map((d) => ({ uid: uid('w'), date: d.date, name: d.name ?? '', worksLike: d.works_like ?? 'mon' })),
  };
}

function byDate(a: { date: string }, b: { date: string }): number {
  return a.date.localeCompare(b.date);
}

/** What the API stores: spans sorted by start, dates sorted, names trimmed. */
export function toCalendarInput(draft: DraftCalendar): CalendarInput {
  const week = Object.fromEntries(
    WEEKDAYS.map((day) => [day, [...draft.week[day]].sort((a, b) => a.from.localeCompare(b.from)).map(({ from, to }) => ({ from, to }))]),
  ) as CalendarInput['week'];
  return {
    name: draft.name.trim(),
    time_zone: draft.timeZone.trim(),
    week,
    holidays: [...draft.holidays].sort(byDate).map(({ date, name }) => ({ date, name: name.trim() })),
    extra_working_days: [...draft.workdays].sort(byDate).map(({ date, name, worksLike }) => ({ date, name: name.trim(), works_like: worksLike })),
  };
}

export type CalendarAction =
  | { type: 'reset'; calendar: DraftCalendar }
  | { type: 'setName'; name: string }
  | { type: 'setTimeZone'; timeZone: string }
  | { type: 'addSpan'; day: Weekday }
  | { type: 'removeSpan'; day: Weekday; uid: string }
  | { type: 'updateSpan'; day: Weekday; uid: string; from?: string; to?: string }
  | { type: 'copyDay'; day: Weekday; to: readonly Weekday[] }
  | { type: 'addHoliday' }
  | { type: 'updateHoliday'; uid: string; date?: string; name?: string }
  | { type: 'removeHoliday'; uid: string }
  | { type: 'addWorkday' }
  | { type: 'updateWorkday'; uid: string; date?: string; name?: string; worksLike?: Weekday }
  | { type: 'removeWorkday'; uid: string };

/** The next span of a day: after the last one (an hour later), or 09:00–18:00 on an empty day. */
function nextSpan(spans: readonly DraftSpan[]): DraftSpan {
  const last = [...spans].sort((a, b) => a.from.localeCompare(b.from)).at(-1);
  if (!last) return span('09:00', '18:00');
  const start = Math.min(toMinutes(last.to) + 60, 23 * 60);
  const end = Math.min(start + 120, 24 * 60);
  return span(fromMinutes(start), fromMinutes(end));
}

export function calendarReducer(draft: DraftCalendar, action: CalendarAction): DraftCalendar {
  const day = (d: Weekday, spans: DraftSpan[]) => ({ ...draft, week: { ...draft.week, [d]: spans } });
  switch (action.type) {
    case 'reset':
      return action.calendar;
    case 'setName':
      return { ...draft, name: action.name };
    case 'setTimeZone':
      return { ...draft, timeZone: action.timeZone };
    case 'addSpan':
      return day(action.day, [...draft.week[action.day], nextSpan(draft.week[action.day])]);
    case 'removeSpan':
      return day(action.day, draft.week[action.day].filter((s) => s.uid !== action.uid));
    case 'updateSpan':
      return day(
        action.day,
        draft.week[action.day].map((s) => (s.uid === action.uid ? { ...s, from: action.from ?? s.from, to: action.to ?? s.to } : s)),
      );
    case 'copyDay': {
      const week = { ...draft.week };
      for (const target of action.to) week[target] = draft.week[action.day].map((s) => span(s.from, s.to));
      return { ...draft, week };
    }
    case 'addHoliday':
      return { ...draft, holidays: [...draft.holidays, { uid: uid('h'), date: '', name: '' }] };
    case 'updateHoliday':
      return { ...draft, holidays: draft.holidays.map((h) => (h.uid === action.uid ? { ...h, date: action.date ?? h.date, name: action.name ?? h.name } : h)) };
    case 'removeHoliday':
      return { ...draft, holidays: draft.holidays.filter((h) => h.uid !== action.uid) };
    case 'addWorkday':
      return { ...draft, workdays: [...draft.workdays, { uid: uid('w'), date: '', name: '', worksLike: 'mon' }] };
    case 'updateWorkday':
      return {
        ...draft,
        workdays: draft.workdays.map((w) =>
          w.uid === action.uid ? { ...w, date: action.date ?? w.date, name: action.name ?? w.name, worksLike: action.worksLike ?? w.worksLike } : w,
        ),
      };
    case 'removeWorkday':
      return { ...draft, workdays: draft.workdays.filter((w) => w.uid !== action.uid) };
  }
}

export function toMinutes(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function fromMinutes(minutes: number): string {
  return minutes >= 24 * 60 ? '24:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Working minutes a week (the editor shows it per day and in total). */
export function dayMinutes(spans: readonly DraftSpan[]): number {
  return spans.reduce((sum, s) => sum + Math.max(0, toMinutes(s.to) - toMinutes(s.from)), 0);
}

export type CalendarProblem = 'nameRequired' | 'timeZoneRequired' | 'timeFormat' | 'spanOrder' | 'spansOverlap' | 'dateRequired' | 'dateTwice';

const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Problems by the server's paths (`name`, `week.mon[1].to`, `holidays[0].date`, `extra_working_days[2].date`);
 * indexes are those of `toCalendarInput` (spans sorted by start, dates sorted), so server errors land on the same rows.
 */
export function checkCalendar(draft: DraftCalendar): Record<string, CalendarProblem[]> {
  const problems: Record<string, CalendarProblem[]> = {};
  const add = (path: string, problem: CalendarProblem) => (problems[path] ??= []).push(problem);
  if (!draft.name.trim()) add('name', 'nameRequired');
  if (!draft.timeZone.trim()) add('time_zone', 'timeZoneRequired');
  for (const day of WEEKDAYS) {
    const spans = sortedSpans(draft, day);
    spans.forEach((s, i) => {
      const at = `week.${day}[${i}]`;
      if (!TIME.test(s.from) || s.from === '24:00') add(`${at}.from`, 'timeFormat');
      if (!TIME.test(s.to)) add(`${at}.to`, 'timeFormat');
      else if (TIME.test(s.from) && toMinutes(s.to) <= toMinutes(s.from)) add(`${at}.to`, 'spanOrder');
      const previous = spans[i - 1];
      if (previous && toMinutes(s.from) < toMinutes(previous.to)) add(`${at}.from`, 'spansOverlap');
    });
  }
  const dates = new Set<string>();
  const checkDate = (path: string, date: string) => {
    if (!DATE.test(date)) add(path, 'dateRequired');
    else if (dates.has(date)) add(path, 'dateTwice');
    dates.add(date);
  };
  [...draft.holidays].sort(byDate).forEach((h, i) => checkDate(`holidays[${i}].date`, h.date));
  [...draft.workdays].sort(byDate).forEach((w, i) => checkDate(`extra_working_days[${i}].date`, w.date));
  return problems;
}

/** A day's spans in the order the API receives them (errors name that order). */
export function sortedSpans(draft: DraftCalendar, day: Weekday): DraftSpan[] {
  return [...draft.week[day]].sort((a, b) => a.from.localeCompare(b.from));
}

/** Row uid → messages of that row, from errors keyed by the API's paths (for the rows on screen). */
export function errorsByRow<M>(draft: DraftCalendar, errors: Record<string, M[]>): { rows: Record<string, M[]>; rest: Record<string, M[]> } {
  const rows: Record<string, M[]> = {};
  const rest: Record<string, M[]> = {};
  const holidays = [...draft.holidays].sort(byDate);
  const workdays = [...draft.workdays].sort(byDate);
  for (const [path, messages] of Object.entries(errors)) {
    const week = /^week\.(mon|tue|wed|thu|fri|sat|sun)\[(\d+)\]/.exec(path);
    const dated = /^(holidays|extra_working_days)\[(\d+)\]/.exec(path);
    const row = week
      ? sortedSpans(draft, week[1] as Weekday)[Number(week[2])]
      : dated
        ? (dated[1] === 'holidays' ? holidays : workdays)[Number(dated[2])]
        : undefined;
    if (row) rows[row.uid] = [...(rows[row.uid] ?? []), ...messages];
    else rest[path] = messages;
  }
  return { rows, rest };
}

// ---- import ----------------------------------------------------------------------------------

export const IMPORT_EXAMPLE = `date,kind,name,works_like
2026-10-01,holiday,国庆节
2026-10-02,holiday,国庆节
2026-10-10,workday,国庆调休,fri`;

/** The import's line errors: the server's messages under `text` ("line 3: …"), each with its line number when it names one. */
export function importErrors(errors: Record<string, string[]>): { line: number | null; message: string }[] {
  const messages = Object.entries(errors).flatMap(([path, list]) => {
    // `text` holds the messages; a path like `text[3]` or `line 3` may carry the line too.
    const fromPath = /(?:\[|line\s*)(\d+)/i.exec(path);
    return list.map((message) => {
      const inMessage = /(?:line|第)\s*(\d+)/i.exec(message);
      const line = inMessage ? Number(inMessage[1]) : fromPath ? Number(fromPath[1]) : null;
      return { line, message };
    });
  });
  return messages.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** Whether the pasted text looks like JSON (a list) rather than CSV. */
export function looksLikeJson(text: string): boolean {
  return text.trimStart().startsWith('[');
}
