import { memo } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { SlaBadge } from '@/components/sla/SlaBadge';
import { PriorityTag, StatusTag } from '@/components/tags';
import { TimeText } from '@/components/TimeText';
import type { TicketRow } from './rows';
import styles from './TicketList.module.css';

/** Phones: a card per ticket instead of a table, so nothing scrolls sideways. */
export const TicketCards = memo(function TicketCards({ rows }: { rows: TicketRow[] }) {
  const { t } = useTranslation('tickets');
  return (
    <ul className={styles.cards} data-testid="ticket-list">
      {rows.map((row) => (
        <li key={row.id}>
          <Link to={`/tickets/${row.id}`} className={styles.card} data-testid="ticket-row" data-number={row.number}>
            <div className={styles.cardTop}>
              <span className={`${styles.number} ${styles.muted}`}>{row.number}</span>
              <span className={styles.muted}>
                {t('list.updatedAgo')} <TimeText value={row.updatedAt} plainTooltip />
              </span>
            </div>
            <div className={styles.cardSubject}>{row.subject}</div>
            <div className={`${styles.cardMeta} ${styles.tags}`}>
              <StatusTag status={row.status} />
              <PriorityTag priority={row.priority} />
              <SlaBadge sla={row.sla} />
              <span className={styles.cardAssignee}>{row.assigneeName ?? t('list.unassigned')}</span>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
});
