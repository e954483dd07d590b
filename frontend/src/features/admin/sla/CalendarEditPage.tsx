import { useMemo, useReducer, useState, type ChangeEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, AutoComplete, Breadcrumb, Button, Card, Empty, Form, Input, Select, Skeleton, Switch, Tag, Typography } from 'antd';
import { CopyOutlined, DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { NotFound } from '@/app/NotFound';
import { ProblemAlert } from '@/components/ProblemAlert';
import { FormProblem, ScreenHeader } from '../components';
import {
  calendarReducer,
  checkCalendar,
  dayMinutes,
  errorsByRow,
  fromCalendarView,
  IMPORT_EXAMPLE,
  importErrors,
  newCalendar,
  sortedSpans,
  toCalendarInput,
  WEEKDAYS,
  type CalendarProblem,
  type DraftCalendar,
  type Weekday,
} from './calendarModel';
import { useCalendar, useImportHolidays, useSaveCalendar, type CalendarView } from './slaApi';
import styles from '../admin.module.css';
import sla from './sla.module.css';

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'UTC'];

/** /admin/calendars/new and /admin/calendars/:id. */
export function CalendarEditPage() {
  const { id } = useParams();
  const numericId = id === 'new' ? null : Number(id);
  if (numericId !== null && !(Number.isInteger(numericId) && numericId > 0)) return <NotFound />;
  return <CalendarLoader key={id} id={numericId} />;
}

function CalendarLoader({ id }: { id: number | null }) {
  const calendar = useCalendar(id);
  if (id !== null && calendar.isPending) return <Skeleton active />;
  if (id !== null && calendar.isError) {
    if (calendar.error instanceof ApiProblem && calendar.error.status === 404) return <NotFound />;
    return <ProblemAlert error={calendar.error} onRetry={() => void calendar.refetch()} />;
  }
  return <CalendarEditor calendar={id === null ? null : (calendar.data ?? null)} />;
}

function CalendarEditor({ calendar }: { calendar: CalendarView | null }) {
  const { t } = useTranslation(['sla', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const save = useSaveCalendar(calendar?.id ?? null);
  const [draft, dispatch] = useReducer(calendarReducer, calendar, (initial) => (initial ? fromCalendarView(initial) : newCalendar()));
  const [attempted, setAttempted] = useState(false);
  const [server, setServer] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const client = useMemo(() => checkCalendar(draft), [draft]);
  const problemText = (code: CalendarProblem) => t(`calendar.errors.${code}`);
  const clientMessages = attempted ? Object.fromEntries(Object.entries(client).map(([path, list]) => [path, list.map(problemText)])) : {};
  const all: Record<string, string[]> = { ...clientMessages };
  for (const [path, list] of Object.entries(server)) all[path] = [...(all[path] ?? []), ...list];
  const placed = errorsByRow(draft, all);

  const submit = () => {
    setAttempted(true);
    setProblem(null);
    setServer({});
    if (Object.keys(client).length > 0) {
      void message.error(t('calendar.fixErrors'));
      return;
    }
    save.mutate(toCalendarInput(draft), {
      onSuccess: (result) => {
        void message.success(t('calendar.saved', { name: result.name }));
        setAttempted(false);
        if (!calendar) void navigate(`/admin/calendars/${result.id}`, { replace: true });
        else dispatch({ type: 'reset', calendar: fromCalendarView(result) });
      },
      onError: (error) => {
        if (error instanceof ApiProblem && error.status === 422) {
          setServer(error.errors);
          const { rest } = errorsByRow(draft, error.errors);
          const left = Object.fromEntries(Object.entries(rest).filter(([path]) => path !== 'name' && path !== 'time_zone'));
          if (Object.keys(left).length) setProblem(new ApiProblem(422, { ...error.body, errors: left }));
          void message.error(t('calendar.fixErrors'));
        } else setProblem(error);
      },
    });
  };

  const field = (path: string) => {
    const list = placed.rest[path] ?? [];
    return { validateStatus: list.length ? ('error' as const) : undefined, help: list.length ? list.join(' ') : undefined };
  };
  const title = calendar ? calendar.name : t('calendar.new');

  return (
    <>
      <Breadcrumb className={styles.breadcrumb} items={[{ title: <Link to="/admin/calendars">{t('calendars.title')}</Link> }, { title }]} />
      <ScreenHeader title={title} />
      <Card size="small" title={t('calendar.basics')}>
        <Form layout="vertical" component={false}>
          <Form.Item label={t('calendar.name')} required htmlFor="calendar-name" {...field('name')}>
            <Input id="calendar-name" value={draft.name} maxLength={200} onChange={(e) => dispatch({ type: 'setName', name: e.target.value })} placeholder={t('calendar.namePlaceholder')} data-testid="calendar-name" />
          </Form.Item>
          <Form.Item label={t('calendar.timeZone')} required extra={t('calendar.timeZoneHint')} htmlFor="calendar-zone" {...field('time_zone')}>
            <AutoComplete
              id="calendar-zone"
              value={draft.timeZone}
              onChange={(timeZone: string) => dispatch({ type: 'setTimeZone', timeZone })}
              options={ZONES.filter((z) => z.toLowerCase().includes(draft.timeZone.toLowerCase()) || draft.timeZone === '').map((value) => ({ value }))}
              data-testid="calendar-zone"
            />
          </Form.Item>
        </Form>
      </Card>

      <section className={styles.section} aria-labelledby="calendar-week" data-testid="week-grid">
        <Typography.Title level={4} id="calendar-week">
          {t('calendar.week')} <Tag>{t('calendar.weekTotal', { hours: Math.round((WEEKDAYS.reduce((s, d) => s + dayMinutes(draft.week[d]), 0) / 60) * 10) / 10 })}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('calendar.weekIntro')}</Typography.Paragraph>
        <ol className={sla.week}>
          {WEEKDAYS.map((day) => (
            <WeekdayRow key={day} day={day} draft={draft} errors={placed.rows} dispatch={dispatch} />
          ))}
        </ol>
      </section>

      <DatesSection draft={draft} errors={placed.rows} dispatch={dispatch} />

      {calendar ? <ImportBox calendarId={calendar.id} onImported={(result) => dispatch({ type: 'reset', calendar: fromCalendarView(result) })} /> : (
        <Typography.Paragraph type="secondary" className={styles.section}>{t('import.afterSave')}</Typography.Paragraph>
      )}

      {problem ? (
        <div className={styles.section}>
          <FormProblem error={problem} />
        </div>
      ) : null}

      <div className={styles.stickyActions}>
        <Button onClick={() => void navigate('/admin/calendars')}>{t('common:action.back')}</Button>
        <Button type="primary" onClick={submit} loading={save.isPending} data-testid="save-calendar">
          {calendar ? t('common:action.save') : t('common:action.create')}
        </Button>
      </div>
    </>
  );
}

type Dispatch = (action: Parameters<typeof calendarReducer>[1]) => void;

function WeekdayRow({ day, draft, errors, dispatch }: { day: Weekday; draft: DraftCalendar; errors: Record<string, string[]>; dispatch: Dispatch }) {
  const { t } = useTranslation(['sla', 'common']);
  const spans = sortedSpans(draft, day);
  const minutes = dayMinutes(spans);
  const weekdays = WEEKDAYS.filter((d) => d !== 'sat' && d !== 'sun' && d !== day);
  return (
    <li className={sla.day} data-testid="weekday" data-day={day}>
      <div className={sla.dayHead}>
        <strong>{t(`days.${day}`)}</strong>
        <span className={sla.muted}>{minutes ? t('calendar.dayHours', { hours: Math.round((minutes / 60) * 10) / 10 }) : t('calendar.dayOff')}</span>
      </div>
      <div className={sla.spans}>
        {spans.map((span, index) => {
          const messages = errors[span.uid] ?? [];
          return (
            <div key={span.uid} className={`${sla.span} ${messages.length ? sla.invalid : ''}`} data-testid="span">
              <Input type="time" size="small" value={span.from} aria-label={t('calendar.spanFrom', { day: t(`days.${day}`), n: index + 1 })} onChange={(e) => dispatch({ type: 'updateSpan', day, uid: span.uid, from: e.target.value })} />
              <span aria-hidden>–</span>
              <Input
                size="small"
                value={span.to}
                aria-label={t('calendar.spanTo', { day: t(`days.${day}`), n: index + 1 })}
                placeholder="18:00"
                maxLength={5}
                onChange={(e) => dispatch({ type: 'updateSpan', day, uid: span.uid, to: e.target.value })}
                className={sla.timeText}
              />
              <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('calendar.removeSpan', { day: t(`days.${day}`), n: index + 1 })} onClick={() => dispatch({ type: 'removeSpan', day, uid: span.uid })} />
              {messages.length ? <Typography.Text type="danger" className={sla.rowError}>{messages.join(' ')}</Typography.Text> : null}
            </div>
          );
        })}
        <div className={sla.dayActions}>
          <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => dispatch({ type: 'addSpan', day })} data-testid="add-span">
            {t('calendar.addSpan')}
          </Button>
          {spans.length && day !== 'sat' && day !== 'sun' ? (
            <Button size="small" type="link" icon={<CopyOutlined />} onClick={() => dispatch({ type: 'copyDay', day, to: weekdays })}>
              {t('calendar.copyToWeekdays')}
            </Button>
          ) : null}
        </div>
      </div>
    </li>
  );
}

function DatesSection({ draft, errors, dispatch }: { draft: DraftCalendar; errors: Record<string, string[]>; dispatch: Dispatch }) {
  const { t } = useTranslation(['sla', 'common']);
  return (
    <div className={`${styles.section} ${sla.dates}`}>
      <section aria-labelledby="calendar-holidays" data-testid="holidays">
        <Typography.Title level={4} id="calendar-holidays">
          {t('calendar.holidays')} <Tag>{draft.holidays.length}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('calendar.holidaysIntro')}</Typography.Paragraph>
        {draft.holidays.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendar.noHolidays')} /> : null}
        {[...draft.holidays].sort((a, b) => a.date.localeCompare(b.date) || 0).map((h) => (
          <div key={h.uid} className={`${sla.dateRow} ${errors[h.uid] ? sla.invalid : ''}`} data-testid="holiday-row">
            <Input type="date" size="small" value={h.date} aria-label={t('calendar.date')} onChange={(e) => dispatch({ type: 'updateHoliday', uid: h.uid, date: e.target.value })} />
            <Input size="small" value={h.name} placeholder={t('calendar.holidayName')} aria-label={t('calendar.holidayName')} onChange={(e) => dispatch({ type: 'updateHoliday', uid: h.uid, name: e.target.value })} />
            <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('calendar.removeDate', { date: h.date })} onClick={() => dispatch({ type: 'removeHoliday', uid: h.uid })} />
            {errors[h.uid] ? <Typography.Text type="danger" className={sla.rowError}>{errors[h.uid]!.join(' ')}</Typography.Text> : null}
          </div>
        ))}
        <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => dispatch({ type: 'addHoliday' })} data-testid="add-holiday">
          {t('calendar.addHoliday')}
        </Button>
      </section>
      <section aria-labelledby="calendar-workdays" data-testid="workdays">
        <Typography.Title level={4} id="calendar-workdays">
          {t('calendar.workdays')} <Tag>{draft.workdays.length}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('calendar.workdaysIntro')}</Typography.Paragraph>
        {draft.workdays.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendar.noWorkdays')} /> : null}
        {[...draft.workdays].sort((a, b) => a.date.localeCompare(b.date)).map((w) => (
          <div key={w.uid} className={`${sla.dateRow} ${errors[w.uid] ? sla.invalid : ''}`} data-testid="workday-row">
            <Input type="date" size="small" value={w.date} aria-label={t('calendar.date')} onChange={(e) => dispatch({ type: 'updateWorkday', uid: w.uid, date: e.target.value })} />
            <Input size="small" value={w.name} placeholder={t('calendar.workdayName')} aria-label={t('calendar.workdayName')} onChange={(e) => dispatch({ type: 'updateWorkday', uid: w.uid, name: e.target.value })} />
            <Select<Weekday>
              size="small"
              value={w.worksLike}
              aria-label={t('calendar.worksLike')}
              onChange={(worksLike) => dispatch({ type: 'updateWorkday', uid: w.uid, worksLike })}
              options={WEEKDAYS.map((d) => ({ value: d, label: t('calendar.worksLikeDay', { day: t(`days.${d}`) }) }))}
              popupMatchSelectWidth={false}
            />
            <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('calendar.removeDate', { date: w.date })} onClick={() => dispatch({ type: 'removeWorkday', uid: w.uid })} />
            {errors[w.uid] ? <Typography.Text type="danger" className={sla.rowError}>{errors[w.uid]!.join(' ')}</Typography.Text> : null}
          </div>
        ))}
        <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => dispatch({ type: 'addWorkday' })} data-testid="add-workday">
          {t('calendar.addWorkday')}
        </Button>
      </section>
    </div>
  );
}

/** Paste or upload a year of holidays and make-up days (CSV or JSON); line errors are listed. */
export function ImportBox({ calendarId, onImported }: { calendarId: number; onImported: (calendar: CalendarView) => void }) {
  const { t } = useTranslation(['sla', 'common']);
  const { message } = App.useApp();
  const run = useImportHolidays(calendarId);
  const [text, setText] = useState('');
  const [replace, setReplace] = useState(true);
  const lines = run.error instanceof ApiProblem && run.error.status === 422 ? importErrors(run.error.errors) : [];

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) setText(await file.text());
  };

  const submit = () =>
    run.mutate(
      { text, replace_years: replace },
      {
        onSuccess: (calendar) => {
          void message.success(t('import.done', { holidays: calendar.holidays?.length ?? 0, workdays: calendar.extra_working_days?.length ?? 0 }));
          setText('');
          onImported(calendar);
        },
      },
    );

  return (
    <Card size="small" className={styles.section} title={t('import.title')} data-testid="import-box">
      <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 4, maxRows: 14 }}
        placeholder={IMPORT_EXAMPLE}
        aria-label={t('import.text')}
        className={sla.mono}
        data-testid="import-text"
      />
      <div className={sla.importActions}>
        <label className={sla.fileButton}>
          <UploadOutlined aria-hidden /> {t('import.file')}
          <input type="file" accept=".csv,.json,text/csv,application/json,text/plain" onChange={(e) => void onFile(e)} data-testid="import-file" />
        </label>
        <span>
          <Switch size="small" checked={replace} onChange={setReplace} aria-label={t('import.replace')} /> {t('import.replace')}
        </span>
        <Button type="primary" onClick={submit} loading={run.isPending} disabled={!text.trim()} data-testid="import-submit">
          {t('import.submit')}
        </Button>
      </div>
      {lines.length ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('import.failed')}
          data-testid="import-errors"
          description={
            <ul className={styles.problemList}>
              {lines.map((line, index) => (
                <li key={index} data-line={line.line ?? undefined}>
                  {line.message}
                </li>
              ))}
            </ul>
          }
        />
      ) : run.isError ? (
        <ProblemAlert error={run.error} />
      ) : null}
    </Card>
  );
}
