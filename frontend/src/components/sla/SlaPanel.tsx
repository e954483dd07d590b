import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/components/TimeText';
import { ClockBadge } from './SlaBadge';
import { formatDuration, type SlaClock, type TicketSla } from './countdown';

/** The ticket page's SLA card: the policy, and each clock with its badge, target and due time (local time). */
export function SlaPanel({ sla }: { sla: TicketSla | null | undefined }) {
  const { t } = useTranslation();
  if (!sla) return null;
  const onCalendar = sla.calendar_id !== null && sla.calendar_id !== undefined;
  const clocks = [sla.first_response, sla.resolution].filter((clock): clock is SlaClock => !!clock);
  return (
    <section className="ld-sla-panel" data-testid="sla-panel" aria-label={t('sla.title')}>
      <h2 className="ld-sla-title">
        {t('sla.title')}
        {sla.policy_name ? <span className="ld-sla-policy">{sla.policy_name}</span> : null}
      </h2>
      <p className="ld-sla-note">{onCalendar ? t('sla.businessTime') : t('sla.roundTheClock')}</p>
      {clocks.length === 0 ? <p className="ld-sla-note">{t('sla.noClocks')}</p> : null}
      <ul className="ld-sla-clocks">
        {clocks.map((clock) => (
          <li key={clock.metric} data-testid="sla-clock" data-metric={clock.metric} data-sla-state={clock.state}>
            <div className="ld-sla-clock-head">
              <strong>{t(`sla.metric.${clock.metric}`)}</strong>
              <ClockBadge clock={clock} onCalendar={onCalendar} />
            </div>
            <div className="ld-sla-note">
              {t('sla.target', { duration: formatDuration(clock.target_minutes, t as never) })}
              {clock.met_at
                ? ` · ${t('sla.metAt', { time: formatDateTime(clock.met_at) })}`
                : clock.due_at
                  ? ` · ${t('sla.dueAt', { time: formatDateTime(clock.due_at) })}`
                  : ''}
            </div>
            {clock.paused_since ? <div className="ld-sla-note">{t('sla.pausedSince', { time: formatDateTime(clock.paused_since) })}</div> : null}
            {clock.breached_at ? (
              <div className="ld-sla-note ld-sla-late">{t('sla.breachedAt', { time: formatDateTime(clock.breached_at) })}</div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
