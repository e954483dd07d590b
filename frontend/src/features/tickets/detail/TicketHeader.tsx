import type { ReactNode } from 'react';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { SlaBadge } from '@/components/sla/SlaBadge';
import { PriorityTag, StatusTag } from '@/components/tags';
import { TimeText } from '@/components/TimeText';
import type { TicketView } from './api';
import { useDirectory } from './directory';
import styles from './TicketDetail.module.css';

/** Number, subject, status and the people and places around the ticket. */
export function TicketHeader({ ticket, typeName }: { ticket: TicketView; typeName: string | undefined }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const directory = useDirectory();
  const group = ticket.group_id ? (ticket.group_name ?? directory.groupName(ticket.group_id)) : null;
  const assignee = ticket.assignee_id ? (ticket.assignee_name ?? directory.userName(ticket.assignee_id)) : null;
  const organization = ticket.organization_id ? (ticket.organization_name ?? `#${ticket.organization_id}`) : null;

  return (
    <section className={styles.header} data-testid="ticket-header" aria-label={t('header.label', { number: ticket.number })}>
      <div className={styles.headerTags}>
        <span className={styles.number}>{ticket.number}</span>
        <span data-testid="ticket-status" data-status={ticket.status}>
          <StatusTag status={ticket.status} />
        </span>
        <PriorityTag priority={ticket.priority} />
        <Tag variant="outlined" aria-label={t('header.type')}>
          {ticket.type_name ?? typeName ?? `#${ticket.type_id}`}
        </Tag>
        <SlaBadge sla={ticket.sla} />
      </div>
      <h1 className={styles.subject}>{ticket.subject}</h1>
      <dl className={styles.meta}>
        <Meta label={t('header.requester')}>{ticket.requester_name ?? directory.userName(ticket.requester_id)}</Meta>
        <Meta label={t('header.organization')}>{organization ?? <span className={styles.muted}>{t('header.noOrganization')}</span>}</Meta>
        <Meta label={t('header.group')}>{group ?? <span className={styles.muted}>{t('header.noGroup')}</span>}</Meta>
        <Meta label={t('header.assignee')}>
          <span data-testid="ticket-assignee">{assignee ?? <span className={styles.muted}>{t('header.unassigned')}</span>}</span>
        </Meta>
        <Meta label={t('header.created')}>
          <TimeText value={ticket.created_at} absolute />
        </Meta>
        <Meta label={t('header.updated')}>
          <TimeText value={ticket.updated_at} />
        </Meta>
      </dl>
    </section>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.metaItem}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
