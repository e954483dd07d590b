import { useState, type HTMLAttributes } from 'react';
import { Link } from 'react-router-dom';
import { App, Button, Segmented, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { RedoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { QueryState } from '@/components/QueryState';
import { TimeText } from '@/components/TimeText';
import { kindLabel } from '@/features/notifications';
import { ScreenHeader, useIsPhone } from '../components';
import { useChannels, useDeliveries, useRetryDelivery, type DeliveryStatus, type DeliveryView } from './channelsApi';
import styles from '../admin.module.css';

const STATUS_COLOR: Record<DeliveryStatus, string> = { pending: 'gold', sent: 'green', failed: 'red' };
type Filter = DeliveryStatus | 'all';

/** What was sent by e-mail, robot or webhook, what waits for a retry and what failed; failed ones can be retried. */
export function DeliveriesPage() {
  const { t } = useTranslation(['channels', 'common']);
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [filter, setFilter] = useState<Filter>('all');
  const deliveries = useDeliveries(filter === 'all' ? null : filter);
  const channels = useChannels();
  const retry = useRetryDelivery();
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? [];

  // Robot and webhook deliveries name their channel by id.
  const target = (delivery: DeliveryView) => {
    if (delivery.channel === 'email') return delivery.target;
    const channel = channels.data?.find((c) => String(c.id) === delivery.target);
    return channel?.name ?? `#${delivery.target}`;
  };

  const doRetry = (delivery: DeliveryView) =>
    retry.mutate(delivery.id, {
      onSuccess: () => void message.success(t('deliveries.retried')),
      onError: (error) =>
        void message.error(
          error instanceof ApiProblem && error.status === 409 ? t('deliveries.notFailed') : error instanceof Error ? error.message : t('common:state.error'),
        ),
    });

  const statusCell = (delivery: DeliveryView) => (
    <>
      <Tag color={STATUS_COLOR[delivery.status]} data-testid="delivery-status">
        {t(`deliveries.status.${delivery.status}`)}
      </Tag>
      <span className={styles.secondary}>
        {delivery.status === 'sent' ? (
          <TimeText value={delivery.sent_at} />
        ) : delivery.status === 'pending' ? (
          <>
            {t('deliveries.nextAttempt')} <TimeText value={delivery.next_attempt_at} />
          </>
        ) : null}
        {' · '}
        {t('deliveries.attempts', { count: delivery.attempts })}
      </span>
    </>
  );

  const columns: TableColumnsType<DeliveryView> = [
    {
      key: 'what',
      title: t('deliveries.what'),
      render: (_, delivery) => (
        <div>
          <Typography.Text strong>{kindLabel(tc, delivery.event_kind)}</Typography.Text>{' '}
          {delivery.ticket_id ? <Link to={`/tickets/${delivery.ticket_id}`}>#{delivery.ticket_id}</Link> : null}
          <span className={styles.secondary}>
            <TimeText value={delivery.created_at} />
          </span>
          {phone ? <div className={styles.rowMeta}>{statusCell(delivery)}</div> : null}
          {delivery.last_error ? (
            <Typography.Text type="danger" className={styles.secondary} data-testid="delivery-error">
              {delivery.last_error}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      key: 'to',
      title: t('deliveries.to'),
      render: (_, delivery) => (
        <div>
          <Tag>{t(`deliveries.channel.${delivery.channel}` as 'deliveries.channel.email', { defaultValue: delivery.channel })}</Tag>
          <span className={styles.secondary}>{target(delivery)}</span>
        </div>
      ),
    },
    { key: 'status', title: t('deliveries.statusLabel'), responsive: ['md'], render: (_, delivery) => statusCell(delivery) },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('deliveries.retry')}</span>,
      align: 'right',
      render: (_, delivery) =>
        delivery.status === 'failed' ? (
          <Button
            size="small"
            icon={<RedoOutlined />}
            loading={retry.isPending && retry.variables === delivery.id}
            onClick={() => doRetry(delivery)}
            data-testid="delivery-retry"
          >
            {t('deliveries.retry')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <ScreenHeader title={tc('nav.deliveries')}>
        <Typography.Paragraph type="secondary" className={styles.intro}>
          {t('deliveries.intro')}
        </Typography.Paragraph>
        <Segmented<Filter>
          value={filter}
          onChange={setFilter}
          data-testid="delivery-filter"
          options={(['all', 'pending', 'sent', 'failed'] as const).map((value) => ({
            value,
            label: value === 'all' ? t('deliveries.all') : t(`deliveries.status.${value}`),
          }))}
        />
      </ScreenHeader>
      <QueryState query={deliveries}>
        {() => (
          <>
            <Table<DeliveryView>
              rowKey="id"
              size={phone ? 'small' : 'middle'}
              columns={columns}
              dataSource={items}
              pagination={false}
              onRow={(delivery) => ({ 'data-testid': 'delivery-row', 'data-status': delivery.status }) as HTMLAttributes<HTMLElement>}
              locale={{ emptyText: t('deliveries.empty') }}
            />
            {deliveries.hasNextPage ? (
              <Button block onClick={() => void deliveries.fetchNextPage()} loading={deliveries.isFetchingNextPage} style={{ marginTop: 12 }}>
                {t('common:action.loadMore')}
              </Button>
            ) : null}
          </>
        )}
      </QueryState>
    </>
  );
}
