import { Button, Empty, Segmented, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { activeTicketTypesQueryOptions } from '@/api/ticketTypes';
import { StatusTag } from '@/components/tags';
import { TimeText } from '@/components/TimeText';
import { QueryState } from '@/components/QueryState';
import { PORTAL_VIEWS, usePortalTickets, type PortalView, type TicketView } from './portalApi';
import styles from './portal.module.css';

function TicketRow({ ticket, typeName }: { ticket: TicketView; typeName: string | undefined }) {
  const { t } = useTranslation('portal');
  return (
    <li className={styles.row} data-testid="portal-ticket-row" data-status={ticket.status}>
      <Link to={`/portal/tickets/${ticket.id}`} className={styles.rowLink}>
        <span className={styles.rowMain}>
          <span className={styles.rowSubject}>{ticket.subject}</span>
          <span className={styles.rowMeta}>
            {typeName ? `${ticket.number} · ${typeName}` : ticket.number}
          </span>
        </span>
        <span className={styles.rowStatus}>
          <StatusTag status={ticket.status} />
          {ticket.status === 'resolved' ? (
            <Typography.Text type="warning" style={{ fontSize: 12 }}>
              {t('list.awaitingHint')}
            </Typography.Text>
          ) : null}
        </span>
        <span className={styles.rowUpdated}>
          {t('list.updated')} <TimeText value={ticket.updated_at} />
        </span>
      </Link>
    </li>
  );
}

/** /portal: the customer's own tickets, newest activity first, with "load more". */
export function PortalTicketsPage() {
  const { t } = useTranslation('portal');
  const { t: tCommon } = useTranslation();
  const [params, setParams] = useSearchParams();
  const requested = params.get('view');
  const view: PortalView = (PORTAL_VIEWS as readonly string[]).includes(requested ?? '') ? (requested as PortalView) : 'all';
  const tickets = usePortalTickets(view);
  const types = useQuery(activeTicketTypesQueryOptions());
  // type_name comes with the ticket; the type list covers servers that do not send it yet.
  const typeName = (ticket: TicketView) =>
    (ticket.type_name as string | undefined) || types.data?.find((type) => type.id === ticket.type_id)?.name;

  const submitButton = (
    <Link to="/portal/new">
      <Button type="primary" icon={<PlusOutlined />}>
        {t('list.submit')}
      </Button>
    </Link>
  );

  return (
    <div>
      <div className={styles.pageHeader}>
        <Typography.Title level={3}>{t('list.title')}</Typography.Title>
      </div>
      <div className={styles.views}>
        <Segmented<PortalView>
          value={view}
          onChange={(next) => setParams(next === 'all' ? {} : { view: next }, { replace: true })}
          options={PORTAL_VIEWS.map((v) => ({ value: v, label: t(`list.view.${v}`) }))}
          aria-label={t('list.filter')}
        />
      </div>
      <QueryState
        query={tickets}
        isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
        empty={
          view === 'all' ? (
            <Empty description={t('list.empty')}>
              <Typography.Paragraph type="secondary">{t('list.emptyHint')}</Typography.Paragraph>
              {submitButton}
            </Empty>
          ) : (
            <Empty description={t('list.emptyView')} />
          )
        }
      >
        {(data) => {
          const items = data.pages.flatMap((page) => page.items);
          return (
            <>
              <ul className={styles.list} data-testid="portal-ticket-list" aria-label={t('list.title')}>
                {items.map((ticket) => (
                  <TicketRow key={ticket.id} ticket={ticket} typeName={typeName(ticket)} />
                ))}
              </ul>
              <div className={styles.more}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('list.shown', { count: items.length })}
                </Typography.Text>
                {tickets.hasNextPage ? (
                  <Button onClick={() => void tickets.fetchNextPage()} loading={tickets.isFetchingNextPage}>
                    {tCommon('action.loadMore')}
                  </Button>
                ) : null}
              </div>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
