import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Result, Skeleton, type AlertRef } from 'antd';
import { ArrowLeftOutlined, EditOutlined, SwapOutlined, UserAddOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { ticketTypeQueryOptions } from '@/api/ticketTypes';
import { useAuth } from '@/auth/AuthProvider';
import { ProblemAlert } from '@/components/ProblemAlert';
import { SlaPanel } from '@/components/sla/SlaPanel';
import { awaitsMyAnswer, DispatchActions } from '@/features/dispatch';
import { reloadTicket, useComments, useEvents, useTicket, type TicketView } from './api';
import { DirectoryContext, useLoadDirectory } from './directory';
import { EditTicketDialog } from './EditTicketDialog';
import { AssignDialog, TransferDialog } from './HandoverDialogs';
import { ReplyBox } from './ReplyBox';
import { TicketHeader } from './TicketHeader';
import { TicketProperties } from './TicketProperties';
import { Timeline } from './Timeline';
import { mergeTimeline } from './timeline';
import { TransitionButtons } from './TransitionButtons';
import { Watchers } from './Watchers';
import styles from './TicketDetail.module.css';

/** The agent's view of one ticket: header, timeline with the reply box, properties and actions. */
export function TicketDetail({ ticketId }: { ticketId: number }) {
  const { can } = useAuth();
  const ticket = useTicket(ticketId);
  const directory = useLoadDirectory(can('users_read'));

  if (ticket.isPending) return <DetailSkeleton />;
  if (ticket.isError) {
    if (ticket.error instanceof ApiProblem && ticket.error.status === 404) return <TicketNotFound />;
    return (
      <div className={styles.page}>
        <BackLink />
        <ProblemAlert error={ticket.error} onRetry={() => void ticket.refetch()} />
      </div>
    );
  }
  return (
    <DirectoryContext.Provider value={directory}>
      <LoadedTicket ticket={ticket.data} />
    </DirectoryContext.Provider>
  );
}

function LoadedTicket({ ticket }: { ticket: TicketView }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { can, user } = useAuth();
  const client = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const type = useQuery(ticketTypeQueryOptions(ticket.type_id));
  const fields = type.data?.fields ?? [];
  const [dialog, setDialog] = useState<'assign' | 'transfer' | 'edit' | null>(null);
  const [conflict, setConflict] = useState(false);
  const conflictRef = useRef<AlertRef>(null);
  const canAssign = can('tickets_assign');
  const canUpdate = can('tickets_update');
  const closed = ticket.status === 'closed';

  useEffect(() => {
    const previous = document.title;
    document.title = `${ticket.number} ${ticket.subject}`;
    return () => {
      document.title = previous;
    };
  }, [ticket.number, ticket.subject]);

  // Handed to a group the caller is not in: the ticket is out of sight, so back to the list.
  const onGone = () => {
    void message.info(t('actions.gone'));
    navigate('/tickets', { replace: true });
  };

  // The warning appears at the top of the page: bring it into view wherever the user was.
  useEffect(() => {
    if (conflict) conflictRef.current?.nativeElement.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [conflict]);

  const onConflict = () => {
    setConflict(true);
    void reloadTicket(client, ticket.id);
  };

  return (
    <div className={styles.page}>
      <BackLink />
      <TicketHeader ticket={ticket} typeName={type.data?.name} />
      {conflict ? (
        <Alert
          ref={conflictRef}
          type="warning"
          showIcon
          role="alert"
          data-testid="edit-conflict"
          title={t('edit.conflictTitle')}
          description={t('edit.conflict')}
          closable={{ onClose: () => setConflict(false), 'aria-label': t('common:action.close') }}
          className={styles.conflict}
        />
      ) : null}
      <div className={styles.columns}>
        <aside className={`${styles.card} ${styles.actions}`} aria-label={t('actions.title')}>
          <DispatchActions ticket={ticket} onGone={onGone} />
          <h2 className={styles.cardTitle}>{t('actions.status')}</h2>
          <TransitionButtons
            ticket={ticket}
            canAssign={canAssign && !closed}
            onAssign={() => setDialog('assign')}
            // Waiting for the assignee's answer: "accept" is how work starts, not a plain status change.
            exclude={awaitsMyAnswer(ticket, user?.id) ? ['in_progress'] : undefined}
          />
          {canAssign || canUpdate ? (
            <>
              <h2 className={styles.cardTitle}>{t('actions.title')}</h2>
              <div className={styles.buttonRow}>
                {canAssign ? (
                  <>
                    <Button icon={<UserAddOutlined />} data-testid="assign-button" disabled={closed} onClick={() => setDialog('assign')}>
                      {t('actions.assign')}
                    </Button>
                    <Button icon={<SwapOutlined />} data-testid="transfer-button" disabled={closed} onClick={() => setDialog('transfer')}>
                      {t('actions.transfer')}
                    </Button>
                  </>
                ) : null}
                {canUpdate ? (
                  <Button icon={<EditOutlined />} data-testid="edit-button" onClick={() => setDialog('edit')}>
                    {t('actions.edit')}
                  </Button>
                ) : null}
              </div>
              {canAssign && closed ? <p className={styles.muted}>{t('actions.closedHint')}</p> : null}
            </>
          ) : null}
          <Watchers ticketId={ticket.id} />
        </aside>
        <div className={styles.main}>
          <section className={styles.card} aria-labelledby="ticket-description">
            <h2 id="ticket-description" className={styles.cardTitle}>
              {t('description.title')}
            </h2>
            {ticket.description.trim() ? (
              <div className={styles.preWrap}>{ticket.description}</div>
            ) : (
              <p className={styles.muted}>{t('description.empty')}</p>
            )}
          </section>
          <section className={styles.card} aria-labelledby="ticket-activity">
            <h2 id="ticket-activity" className={styles.cardTitle}>
              {t('timeline.title')}
            </h2>
            <TicketTimeline ticket={ticket} fields={fields} />
            {can('comments_public') || can('comments_internal') ? (
              <ReplyBox ticketId={ticket.id} canInternal={can('comments_internal')} />
            ) : null}
          </section>
        </div>
        <aside className={`${styles.card} ${styles.side}`} aria-label={t('props.title')}>
          <SlaPanel sla={ticket.sla} />
          {type.isError ? <ProblemAlert error={type.error} onRetry={() => void type.refetch()} /> : null}
          {type.isPending ? <Skeleton active paragraph={{ rows: 3 }} /> : <TicketProperties ticket={ticket} fields={fields} />}
        </aside>
      </div>
      {canAssign ? (
        <>
          <AssignDialog ticket={ticket} open={dialog === 'assign'} onClose={() => setDialog(null)} onGone={onGone} />
          <TransferDialog ticket={ticket} open={dialog === 'transfer'} onClose={() => setDialog(null)} onGone={onGone} />
        </>
      ) : null}
      {canUpdate ? (
        <EditTicketDialog
          ticket={ticket}
          fields={fields}
          open={dialog === 'edit'}
          onClose={() => setDialog(null)}
          onConflict={onConflict}
        />
      ) : null}
    </div>
  );
}

function TicketTimeline({ ticket, fields }: { ticket: TicketView; fields: Parameters<typeof Timeline>[0]['fields'] }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const comments = useComments(ticket.id);
  const events = useEvents(ticket.id);
  const items = useMemo(() => mergeTimeline(comments.data ?? [], events.data ?? []), [comments.data, events.data]);

  if (comments.isPending || events.isPending)
    return <Skeleton active avatar paragraph={{ rows: 4 }} aria-busy="true" aria-label={t('common:state.loading')} />;
  const error = comments.error ?? events.error;
  if (error)
    return (
      <ProblemAlert
        error={error}
        onRetry={() => {
          void comments.refetch();
          void events.refetch();
        }}
      />
    );
  return <Timeline items={items} fields={fields} requesterId={ticket.requester_id} />;
}

function BackLink() {
  const { t } = useTranslation(['ticketDetail', 'common']);
  return (
    <Link to="/tickets" className={styles.back}>
      <ArrowLeftOutlined aria-hidden /> {t('backToList')}
    </Link>
  );
}

export function TicketNotFound() {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.detail')}
      extra={
        <Button type="primary" onClick={() => navigate('/tickets')} data-testid="back-to-list">
          {t('backToList')}
        </Button>
      }
    />
  );
}

function DetailSkeleton() {
  const { t } = useTranslation();
  return (
    <div className={styles.page} aria-busy="true" aria-label={t('state.loading')}>
      <div className={styles.card}>
        <Skeleton active title paragraph={{ rows: 2 }} />
      </div>
      <div className={styles.columns}>
        <div className={`${styles.card} ${styles.actions}`}>
          <Skeleton.Button active />
        </div>
        <div className={`${styles.card} ${styles.main}`}>
          <Skeleton active avatar paragraph={{ rows: 5 }} />
        </div>
        <div className={`${styles.card} ${styles.side}`}>
          <Skeleton active paragraph={{ rows: 4 }} />
        </div>
      </div>
    </div>
  );
}
