import { Link, useNavigate } from 'react-router-dom';
import { App, Button, Card, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { QueryState } from '@/components/QueryState';
import { ScreenHeader } from '../components';
import { dayMinutes, fromCalendarView, WEEKDAYS } from './calendarModel';
import { useCalendars, useDeleteCalendar, type CalendarView } from './slaApi';
import styles from '../admin.module.css';

/** /admin/calendars: the business calendars SLA policies count on. */
export function CalendarsPage() {
  const { t } = useTranslation(['sla', 'common']);
  const navigate = useNavigate();
  const calendars = useCalendars();
  return (
    <>
      <ScreenHeader
        title={t('calendars.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/admin/calendars/new')} data-testid="new-calendar">
            {t('calendars.new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('calendars.intro')}</Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={calendars} isEmpty={(list) => list.length === 0} empty={<Typography.Paragraph>{t('calendars.empty')}</Typography.Paragraph>}>
        {(list) => (
          <div className={styles.rowList} data-testid="calendar-list">
            {list.map((calendar) => (
              <CalendarCard key={calendar.id} calendar={calendar} />
            ))}
          </div>
        )}
      </QueryState>
    </>
  );
}

function CalendarCard({ calendar }: { calendar: CalendarView }) {
  const { t } = useTranslation(['sla', 'common']);
  const { message, modal } = App.useApp();
  const remove = useDeleteCalendar();
  const draft = fromCalendarView(calendar);
  const hours = WEEKDAYS.reduce((sum, day) => sum + dayMinutes(draft.week[day]), 0) / 60;
  const onDelete = () =>
    modal.confirm({
      title: t('calendars.deleteConfirm', { name: calendar.name }),
      okText: t('common:action.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      onOk: () =>
        remove.mutateAsync(calendar.id).then(
          () => void message.success(t('calendars.deleted', { name: calendar.name })),
          (error: unknown) => void message.error(error instanceof Error && 'detail' in error ? String((error as { detail: string }).detail || error.message) : t('common:state.error')),
        ),
    });
  return (
    <Card
      size="small"
      data-testid="calendar-item"
      data-name={calendar.name}
      title={<Link to={`/admin/calendars/${calendar.id}`}>{calendar.name}</Link>}
      extra={<Button type="text" danger icon={<DeleteOutlined />} aria-label={t('calendars.delete', { name: calendar.name })} onClick={onDelete} />}
    >
      <Tag>{calendar.time_zone}</Tag>
      <Typography.Text type="secondary">
        {t('calendars.summary', { hours: Math.round(hours * 10) / 10, holidays: calendar.holidays?.length ?? 0, workdays: calendar.extra_working_days?.length ?? 0 })}
      </Typography.Text>
    </Card>
  );
}
