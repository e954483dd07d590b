import { Tag } from 'antd';
import { FieldTimeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/components/TimeText';
import { useNow } from '@/components/useNow';
import { clockBadge, ticketBadge, TONE_COLOR, type BadgeModel, type SlaClock, type TicketSla } from './countdown';

function Badge({ badge, title }: { badge: BadgeModel; title: string | undefined }) {
  return (
    <Tag
      color={TONE_COLOR[badge.tone]}
      icon={<FieldTimeOutlined aria-hidden />}
      data-testid="sla-badge"
      data-sla-state={badge.state}
      title={title}
      className="ld-sla-badge"
    >
      {badge.text}
    </Tag>
  );
}

/** The ticket's SLA countdown (green ok, amber warning, red breached, grey paused / met); nothing without a policy. */
export function SlaBadge({ sla }: { sla: TicketSla | null | undefined }) {
  const { t } = useTranslation();
  const now = useNow(30_000);
  if (!sla) return null;
  const badge = ticketBadge(sla, now, t as never);
  const clock = badge.clock;
  const title = clock
    ? `${t(`sla.metric.${clock.metric}`)}${clock.due_at ? ` · ${t('sla.dueAt', { time: formatDateTime(clock.due_at) })}` : ''}`
    : undefined;
  return <Badge badge={badge} title={title} />;
}

/** One clock's badge (the detail shows both). */
export function ClockBadge({ clock, onCalendar }: { clock: SlaClock; onCalendar: boolean }) {
  const { t } = useTranslation();
  const now = useNow(30_000);
  return <Badge badge={clockBadge(clock, onCalendar, now, t as never)} title={clock.due_at ? formatDateTime(clock.due_at) : undefined} />;
}
