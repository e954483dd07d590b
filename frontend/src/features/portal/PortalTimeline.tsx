import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { TimeText } from '@/components/TimeText';
import type { CommentView, EventView, PortalTimeline as TimelineData } from './portalApi';
import styles from './portal.module.css';

const STATUSES: readonly string[] = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'] satisfies Schemas['TicketStatus'][];

type Entry = { at: string; order: number; comment: CommentView } | { at: string; order: number; event: EventView };

/** Replies and status changes in one chronological stream (never anything internal). */
export function PortalTimeline({ data, meId }: { data: TimelineData; meId: number }) {
  const { t } = useTranslation('portal');
  const { t: tCommon } = useTranslation();

  const entries: Entry[] = [
    ...data.comments.filter((comment) => !comment.internal).map((comment) => ({ at: comment.created_at, order: 1, comment })),
    ...data.events.map((event) => ({ at: event.created_at, order: 0, event })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);

  const statusLabel = (value: string | null | undefined) =>
    value && STATUSES.includes(value) ? tCommon(`status.${value as Schemas['TicketStatus']}`) : (value ?? '');

  return (
    <>
      <ol className={styles.timeline} data-testid="portal-timeline">
        {entries.map((entry) => {
          if ('comment' in entry) {
            const { comment } = entry;
            const mine = comment.author_id === meId;
            return (
              <li
                key={`c${comment.id}`}
                className={mine ? `${styles.reply} ${styles.replyMine}` : styles.reply}
                data-testid="portal-reply"
                data-mine={mine}
              >
                <div className={styles.replyHead}>
                  <span className={styles.replyAuthor}>{mine ? t('ticket.you') : comment.author_name || t('ticket.support')}</span>
                  <TimeText value={comment.created_at} />
                </div>
                <div className={styles.replyBody}>{comment.body}</div>
              </li>
            );
          }
          const { event } = entry;
          return (
            <li key={`e${event.id}`} className={styles.event} data-kind={event.kind}>
              {event.kind === 'created'
                ? t('ticket.created')
                : t('ticket.statusChanged', { status: statusLabel(event.new_value) })}
              {' · '}
              <TimeText value={event.created_at} />
              {event.note ? <span className={styles.eventNote}>{event.note}</span> : null}
            </li>
          );
        })}
      </ol>
      {data.comments.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticket.noReplies')} /> : null}
    </>
  );
}
