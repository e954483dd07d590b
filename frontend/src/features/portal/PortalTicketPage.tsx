import type { ReactNode } from 'react';
import { Alert, App, Button, Card, Descriptions, Result, Skeleton, Typography } from 'antd';
import { ArrowLeftOutlined, CheckOutlined, RedoOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { activeTicketTypesQueryOptions } from '@/api/ticketTypes';
import { useCurrentUser } from '@/auth/AuthProvider';
import { ProblemAlert } from '@/components/ProblemAlert';
import { StatusTag } from '@/components/tags';
import { TimeText, formatDateTime } from '@/components/TimeText';
import { PortalReplyBox } from './PortalReplyBox';
import { PortalTimeline } from './PortalTimeline';
import { usePortalTicket, usePortalTimeline, useTransition, type TicketView } from './portalApi';
import styles from './portal.module.css';

type FieldDefinition = Schemas['FieldDefinition'];

/** A custom field value as a customer reads it. */
function FieldValue({ definition, value }: { definition: FieldDefinition; value: unknown }) {
  const { t } = useTranslation('portal');
  if (definition.kind === 'checkbox') return <>{value === true ? t('ticket.yes') : t('ticket.no')}</>;
  if (definition.kind === 'datetime' && typeof value === 'string') return <>{formatDateTime(value)}</>;
  if (definition.kind === 'url' && typeof value === 'string') {
    return (
      <a href={value} target="_blank" rel="noreferrer noopener">
        {value}
      </a>
    );
  }
  if (Array.isArray(value)) return <>{value.join('、')}</>;
  if (definition.kind === 'user' && typeof value === 'number') return <>#{value}</>;
  return <>{String(value)}</>;
}

function CustomFieldValues({ ticket }: { ticket: TicketView }) {
  const types = useQuery(activeTicketTypesQueryOptions());
  const definitions = types.data?.find((type) => type.id === ticket.type_id)?.fields ?? [];
  const values = ticket.custom_fields as Record<string, unknown>;
  const shown = definitions.filter((d) => d.customer_visible && values[d.key] !== undefined && values[d.key] !== null);
  if (shown.length === 0) return null;
  return (
    <Descriptions
      className={styles.fields}
      size="small"
      column={{ xs: 1, sm: 2 }}
      bordered
      items={shown.map((definition) => ({
        key: definition.key,
        label: definition.label,
        children: <FieldValue definition={definition} value={values[definition.key]} />,
      }))}
    />
  );
}

/**
 * What the customer can decide now, from the API's allowed_transitions: confirm a resolution
 * (resolved → closed) or reopen (→ in_progress). Nothing is shown when nothing is allowed.
 */
function Decision({ ticket }: { ticket: TicketView }) {
  const { t } = useTranslation('portal');
  const { message } = App.useApp();
  const transition = useTransition(ticket.id);
  const canConfirm = ticket.allowed_transitions.includes('closed');
  const canReopen = ticket.allowed_transitions.includes('in_progress');
  if (!canConfirm && !canReopen) return null;

  const resolved = ticket.status === 'resolved';
  const act = (to: 'closed' | 'in_progress') =>
    transition.mutate(to, { onSuccess: () => message.success(t(to === 'closed' ? 'ticket.confirmed' : 'ticket.reopened')) });

  return (
    <Alert
      className={styles.decision}
      type={resolved ? 'success' : 'info'}
      showIcon
      title={resolved ? t('ticket.resolvedTitle') : t('ticket.closedTitle')}
      description={
        <>
          {resolved ? t('ticket.resolvedText') : t('ticket.closedText')}
          {transition.isError ? (
            <div style={{ marginTop: 8 }}>
              <ProblemAlert error={transition.error} />
            </div>
          ) : null}
          <div className={styles.decisionActions}>
            {canConfirm ? (
              <Button
                type="primary"
                icon={<CheckOutlined />}
                loading={transition.isPending && transition.variables === 'closed'}
                disabled={transition.isPending}
                onClick={() => act('closed')}
                data-testid="portal-confirm"
              >
                {t('ticket.confirm')}
              </Button>
            ) : null}
            {canReopen ? (
              <Button
                icon={<RedoOutlined />}
                loading={transition.isPending && transition.variables === 'in_progress'}
                disabled={transition.isPending}
                onClick={() => act('in_progress')}
                data-testid="portal-reopen"
              >
                {resolved ? t('ticket.reopen') : t('ticket.reopenClosed')}
              </Button>
            ) : null}
          </div>
        </>
      }
    />
  );
}

function TypeName({ ticket }: { ticket: TicketView }) {
  const types = useQuery(activeTicketTypesQueryOptions());
  return <>{(ticket.type_name as string | undefined) || types.data?.find((type) => type.id === ticket.type_id)?.name || `#${ticket.type_id}`}</>;
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** /portal/tickets/:id: the customer's view of one ticket: status, their request, public replies, reply, confirm/reopen. */
export function PortalTicketPage() {
  const { t } = useTranslation('portal');
  const me = useCurrentUser();
  const id = Number(useParams().id);
  const ticket = usePortalTicket(id);
  const timeline = usePortalTimeline(id);

  const back = (
    <Link to="/portal" className={styles.back}>
      <ArrowLeftOutlined aria-hidden /> {t('ticket.back')}
    </Link>
  );

  if (!Number.isSafeInteger(id) || id <= 0 || (ticket.error instanceof ApiProblem && ticket.error.status === 404)) {
    return (
      <Result
        status="404"
        title={t('ticket.notFound')}
        extra={back}
      />
    );
  }
  if (ticket.isPending) return <Skeleton active aria-busy="true" />;
  if (ticket.isError) {
    return (
      <>
        {back}
        <ProblemAlert error={ticket.error} onRetry={() => void ticket.refetch()} />
      </>
    );
  }

  const data = ticket.data;
  return (
    <article>
      {back}
      <Card className={styles.header}>
        <div className={styles.headerTop}>
          <Typography.Text type="secondary" copyable={{ text: data.number }}>
            {data.number}
          </Typography.Text>
          <StatusTag status={data.status} />
        </div>
        <Typography.Title level={3} className={styles.subject}>
          {data.subject}
        </Typography.Title>
        <dl className={styles.meta}>
          <Meta label={t('ticket.type')}>
            <TypeName ticket={data} />
          </Meta>
          <Meta label={t('ticket.handler')}>
            {data.assignee_name ?? (data.assignee_id ? t('ticket.handlerAssigned') : <Typography.Text type="secondary">{t('ticket.handlerNone')}</Typography.Text>)}
          </Meta>
          <Meta label={t('ticket.submitted')}>
            <TimeText value={data.created_at} absolute />
          </Meta>
          <Meta label={t('ticket.updated')}>
            <TimeText value={data.updated_at} />
          </Meta>
        </dl>
      </Card>

      <Decision ticket={data} />

      <Card title={t('ticket.request')} className={styles.card}>
        {data.description.trim() ? (
          <Typography.Paragraph className={styles.description}>{data.description}</Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">{t('ticket.noDescription')}</Typography.Text>
        )}
        <CustomFieldValues ticket={data} />
      </Card>

      <Card title={t('ticket.conversation')} className={styles.card}>
        {timeline.isPending ? (
          <Skeleton active />
        ) : timeline.isError ? (
          <ProblemAlert error={timeline.error} onRetry={() => void timeline.refetch()} />
        ) : (
          <PortalTimeline data={timeline.data} meId={me.id} />
        )}
        <PortalReplyBox ticketId={data.id} closed={data.status === 'closed'} />
      </Card>
    </article>
  );
}
