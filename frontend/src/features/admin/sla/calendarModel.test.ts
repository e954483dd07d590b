import { describe, expect, it } from 'vitest';
import {
  calendarReducer,
  checkCalendar,
  errorsByRow,
  fromCalendarView,
  importErrors,
  newCalendar,
  sortedSpans,
  toCalendarInput,
  type DraftCalendar,
} from './calendarModel';

const VIEW = {
  name: '中国大陆工作日',
  time_zone: 'Asia/Shanghai',
  week: { mon: [{ from: '13:30', to: '18:00' }, { from: '09:00', to: '12:00' }], sat: [] },
  holidays: [{ date: '2026-10-02', name: '国庆节' }, { date: '2026-10-01', name: '国庆节' }],
  extra_working_days: [{ date: '2026-10-10', name: '国庆调休', works_like: 'fri' as const }],
};

describe('calendar model', () => {
  it('reads a calendar and writes it back sorted, every weekday present', () => {
    const input = toCalendarInput(fromCalendarView(VIEW));
    expect(input).toEqual({
      name: '中国大陆工作日',
      time_zone: 'Asia/Shanghai',
      week: { mon: [{ from: '09:00', to: '12:00' }, { from: '13:30', to: '18:00' }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      holidays: [{ date: '2026-10-01', name: '国庆节' }, { date: '2026-10-02', name: '国庆节' }],
      extra_working_days: [{ date: '2026-10-10', name: '国庆调休', works_like: 'fri' }],
    });
  });

  it('starts a new calendar with two spans on weekdays and none at the weekend', () => {
    const draft = newCalendar('Asia/Shanghai');
    expect(toCalendarInput(draft).week.mon).toEqual([{ from: '09:00', to: '12:00' }, { from: '13:30', to: '18:00' }]);
    expect(toCalendarInput(draft).week.sun).toEqual([]);
  });

  it('adds a span after the last one, removes one, and copies a day to others', () => {
    let draft: DraftCalendar = fromCalendarView(VIEW);
    draft = calendarReducer(draft, { type: 'addSpan', day: 'mon' });
    expect(toCalendarInput(draft).week.mon?.[2]).toEqual({ from: '19:00', to: '21:00' });
    draft = calendarReducer(draft, { type: 'addSpan', day: 'sat' });
    expect(toCalendarInput(draft).week.sat).toEqual([{ from: '09:00', to: '18:00' }]);
    const first = sortedSpans(draft, 'mon')[0]!;
    draft = calendarReducer(draft, { type: 'removeSpan', day: 'mon', uid: first.uid });
    expect(toCalendarInput(draft).week.mon?.map((s) => s.from)).toEqual(['13:30', '19:00']);
    draft = calendarReducer(draft, { type: 'copyDay', day: 'mon', to: ['tue', 'wed'] });
    expect(toCalendarInput(draft).week.wed).toEqual(toCalendarInput(draft).week.mon);
    draft = calendarReducer(draft, { type: 'addWorkday' });
    draft = calendarReducer(draft, { type: 'updateWorkday', uid: draft.workdays[1]!.uid, date: '2026-09-28', worksLike: 'mon' });
    expect(toCalendarInput(draft).extra_working_days?.map((d) => d.date)).toEqual(['2026-09-28', '2026-10-10']);
  });

  it('checks spans and dates under the server’s paths', () => {
    let draft = fromCalendarView({ ...VIEW, name: ' ' });
    const [morning] = sortedSpans(draft, 'mon');
    draft = calendarReducer(draft, { type: 'updateSpan', day: 'mon', uid: morning!.uid, to: '14:00' });
    draft = calendarReducer(draft, { type: 'addHoliday' });
    draft = calendarReducer(draft, { type: 'updateHoliday', uid: draft.holidays[2]!.uid, date: '2026-10-10' });
    draft = calendarReducer(draft, { type: 'addSpan', day: 'tue' });
    draft = calendarReducer(draft, { type: 'updateSpan', day: 'tue', uid: draft.week.tue[0]!.uid, from: '18:00', to: '09:00' });
    expect(checkCalendar(draft)).toEqual({
      name: ['nameRequired'],
      'week.mon[1].from': ['spansOverlap'],
      'week.tue[0].to': ['spanOrder'],
      'extra_working_days[0].date': ['dateTwice'],
    });
  });

  it('puts server errors on the rows they name, in the order sent', () => {
    const draft = fromCalendarView(VIEW);
    const { rows, rest } = errorsByRow(draft, { 'week.mon[1].to': ['bad'], 'holidays[0].date': ['taken'], time_zone: ['unknown zone'] });
    const afternoon = sortedSpans(draft, 'mon')[1]!;
    const firstOct = draft.holidays.find((h) => h.date === '2026-10-01')!;
    expect(rows).toEqual({ [afternoon.uid]: ['bad'], [firstOct.uid]: ['taken'] });
    expect(rest).toEqual({ time_zone: ['unknown zone'] });
  });

  it('reads the import’s line errors, in line order', () => {
    expect(importErrors({ text: ['line 7: unknown kind "holliday"', 'line 3: 2026-02-30 is not a date'] })).toEqual([
      { line: 3, message: 'line 3: 2026-02-30 is not a date' },
      { line: 7, message: 'line 7: unknown kind "holliday"' },
    ]);
    expect(importErrors({ text: ['empty file'] })).toEqual([{ line: null, message: 'empty file' }]);
  });
});
