import { Link } from 'react-router-dom';
import { Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { QueryState } from '@/components/QueryState';
import { useQueues, type AgentView, type Availability, type GroupQueueView } from './api';
import styles from './dispatch.module.css';

const COLOR: Record<Availability, string> = { online: '#52c41a', away: '#faad14', offline: '#bfbfbf' };
/** Online first, then away, then offline; by name within each. */
const RANK: Record<Availability, number> = { online: 0, away: 1, offline: 2 };
const OPEN_STATUSES = ['new', 'assigned', 'in_progress', 'pending'];

/** The ticket list filtered to a group's open tickets nobody holds. */
export function unassignedLink(groupId: number): string {
  const params = new URLSearchParams({ group: String(groupId), assignee: 'none' });
  OPEN_STATUSES.forEach((status) => params.append('status', status));
  return `/tickets?${params.toString()}`;
}

/** Route /queues: per group, what waits unassigned and how loaded each member is, for supervisors. */
export function QueuesPage() {
  const { t } = useTranslation(['dispatch', 'common']);
  const queues = useQueues();
  return (
    <div className={styles.page}>
      <Typography.Title level={3} className={styles.title}>
        {t('queues.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className={styles.intro}>
        {t('queues.intro')}
      </Typography.Paragraph>
      <QueryState query={queues} isEmpty={(list) => list.length === 0} empty={<Typography.Text type="secondary">{t('queues.empty')}</Typography.Text>}>
        {(list) => (
          <div className={styles.queues} data-testid="queues">
            {list.map((queue) => (
              <QueueCard key={queue.group_id} queue={queue} />
            ))}
          </div>
        )}
      </QueryState>
    </div>
  );
}

function QueueCard({ queue }: { queue: GroupQueueView }) {
  const { t } = useTranslation(['dispatch', 'common']);
  const agents = [...queue.agents].sort((a, b) => RANK[a.availability] - RANK[b.availability] || a.name.localeCompare(b.name));
  // The supervisor need not be a member: the queue names them either way.
  const supervisor = queue.supervisor_name ?? queue.agents.find((agent) => agent.user_id === queue.supervisor_id)?.name;
  const online = queue.agents.filter((agent) => agent.availability === 'online').length;
  return (
    <Card
      size="small"
      data-testid="queue-card"
      data-group={queue.group_name}
      title={
        <div className={styles.queueHead}>
          <span>{queue.group_name}</span>
          <span className={`${styles.muted} ${styles.unassigned}`}>
            {t('queues.onlineCount', { count: online, total: queue.agents.length })}
          </span>
        </div>
      }
      extra={
        <Link to={unassignedLink(queue.group_id)} data-testid="queue-unassigned" className={styles.unassigned}>
          {t('queues.unassigned', { count: queue.unassigned })}
        </Link>
      }
    >
      {supervisor ? <p className={`${styles.muted} ${styles.unassigned}`}>{t('queues.supervisor', { name: supervisor })}</p> : null}
      {agents.length === 0 ? (
        <Typography.Text type="secondary">{t('queues.noAgents')}</Typography.Text>
      ) : (
        <ul className={styles.agents}>
          {agents.map((agent) => (
            <AgentLine key={agent.user_id} agent={agent} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function AgentLine({ agent }: { agent: AgentView }) {
  const { t } = useTranslation(['dispatch', 'common']);
  const full = agent.capacity !== null && agent.capacity !== undefined && agent.open_count >= agent.capacity;
  return (
    <li className={styles.agent} data-testid="queue-agent" data-name={agent.name} data-availability={agent.availability}>
      <span className={styles.agentName}>
        {agent.name}
        {agent.holds_urgent ? (
          <Tag color="red" style={{ marginInlineStart: 6 }}>
            {t('queues.urgent')}
          </Tag>
        ) : null}
        {full ? <Tag color="orange">{t('queues.full')}</Tag> : null}
      </span>
      <span className={styles.availability}>
        <span className="ld-availability-dot" style={{ background: COLOR[agent.availability] }} aria-hidden />
        {t(`common:availability.${agent.availability}`)}
      </span>
      <span className={styles.load} title={t('queues.loadHint')}>
        {agent.capacity !== null && agent.capacity !== undefined
          ? t('queues.openOf', { count: agent.open_count, capacity: agent.capacity })
          : t('queues.open', { count: agent.open_count })}
        {' · '}
        {t('queues.load', { load: agent.open_load })}
      </span>
    </li>
  );
}
