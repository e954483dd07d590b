import { Link, useNavigate } from 'react-router-dom';
import { App, Button, Tag, Typography } from 'antd';
import { EnvironmentOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { QueryState } from '@/components/QueryState';
import { PriorityTag } from '@/components/tags';
import { TimeText } from '@/components/TimeText';
import { useClaim, usePool, type TicketView } from './api';
import styles from './dispatch.module.css';

/**
 * Route /pool (抢单池): tickets published to the caller's groups for the first taker. Claiming is a
 * race the server decides: the loser is told who won, and the list refreshes either way.
 */
export function PoolPage() {
  const { t } = useTranslation(['dispatch', 'common']);
  const pool = usePool();
  return (
    <div className={styles.page}>
      <Typography.Title level={3} className={styles.title}>
        {t('pool.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className={styles.intro}>
        {t('pool.intro')}
      </Typography.Paragraph>
      <QueryState query={pool} isEmpty={(page) => page.items.length === 0} empty={<PoolEmpty />}>
        {(page) => (
          <ul className={styles.list} data-testid="pool-list" aria-label={t('pool.title')}>
            {page.items.map((ticket) => (
              <PoolItem key={ticket.id} ticket={ticket} />
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

function PoolEmpty() {
  const { t } = useTranslation(['dispatch', 'common']);
  return (
    <Typography.Paragraph type="secondary" data-testid="pool-empty">
      {t('pool.empty')}
    </Typography.Paragraph>
  );
}

function PoolItem({ ticket }: { ticket: TicketView }) {
  const { t } = useTranslation(['dispatch', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const claim = useClaim();

  const onClaim = () =>
    claim.mutate(ticket.id, {
      onSuccess: (view) =>
        void message.success({
          content: (
            <span>
              {t('pool.won', { number: view.number })}{' '}
              {/* Messages render outside the router: a plain link that navigates through the page's router. */}
              <a
                href={`/tickets/${view.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  void navigate(`/tickets/${view.id}`);
                }}
              >
                {t('pool.open')}
              </a>
            </span>
          ),
        }),
      onError: (error) =>
        void message.warning(
          t('pool.lost', { detail: error instanceof ApiProblem ? error.detail || error.title : t('common:state.error') }),
        ),
    });

  return (
    <li className={styles.item} data-testid="pool-item" data-number={ticket.number}>
      <div className={styles.itemMain}>
        <div className={styles.itemTop}>
          <span className={`${styles.number} ${styles.muted}`}>{ticket.number}</span>
          <span className={styles.muted}>
            <TimeText value={ticket.created_at} plainTooltip />
          </span>
        </div>
        <Link to={`/tickets/${ticket.id}`} className={styles.subject}>
          {ticket.subject}
        </Link>
        <div className={styles.itemMeta}>
          <PriorityTag priority={ticket.priority} />
          <Tag variant="outlined">{ticket.type_name}</Tag>
          {ticket.group_name ? <span className={styles.muted}>{ticket.group_name}</span> : null}
          {ticket.location?.label ? (
            <span className={styles.muted}>
              <EnvironmentOutlined aria-hidden /> {ticket.location.label}
            </span>
          ) : null}
        </div>
      </div>
      {ticket.claim_block ? (
        <Typography.Text type="secondary" data-testid="pool-blocked">
          {t(`pool.blocked.${ticket.claim_block}`)}
        </Typography.Text>
      ) : (
        <Button
          type="primary"
          icon={<ThunderboltOutlined />}
          loading={claim.isPending}
          onClick={onClaim}
          aria-label={t('pool.claimNamed', { number: ticket.number })}
          data-testid="pool-claim"
        >
          {t('pool.claim')}
        </Button>
      )}
    </li>
  );
}
