import { useId, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, type ButtonProps } from 'antd';
import { CheckOutlined, CloseOutlined, NodeIndexOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { useAuth } from '@/auth/AuthProvider';
import { ProblemAlert } from '@/components/ProblemAlert';
import { AcceptCountdown } from './AcceptCountdown';
import { useAccept, useClaim, useDecline, useReroute, type TicketView } from './api';
import styles from './dispatch.module.css';

const MAX_NOTE = 2000;

type Ticket = Pick<TicketView, 'id' | 'number' | 'status' | 'assignee_id' | 'in_pool' | 'claim_block' | 'accept_by'>;

/** Whether the caller must accept or decline this ticket now (it was assigned to them and not yet taken on). */
export function awaitsMyAnswer(ticket: Ticket, userId: number | undefined): boolean {
  return ticket.status === 'assigned' && userId !== undefined && ticket.assignee_id === userId;
}

function problemText(error: unknown, fallback: string): string {
  return error instanceof ApiProblem ? error.detail || error.title : fallback;
}

/**
 * The dispatch part of the ticket page: accept or decline an assignment (the assignee, while
 * assigned), claim from the pool, route again (tickets_assign). Renders nothing when none applies.
 */
export function DispatchActions({ ticket, onGone }: { ticket: Ticket; onGone: () => void }) {
  const { t } = useTranslation(['dispatch', 'common']);
  const { user, can } = useAuth();
  const { message } = App.useApp();
  const accept = useAccept(ticket.id);
  const claim = useClaim();
  const [dialog, setDialog] = useState<'decline' | 'reroute' | null>(null);
  const awaiting = awaitsMyAnswer(ticket, user?.id);
  const open = ticket.status !== 'resolved' && ticket.status !== 'closed';
  const canReroute = can('tickets_assign') && open;
  // The server says why the caller may not claim (full, offline, …): such a ticket is not offered to them.
  const claimable = ticket.in_pool === true && !ticket.assignee_id && !ticket.claim_block;
  const countdown = ticket.status === 'assigned' && ticket.accept_by ? <AcceptCountdown acceptBy={ticket.accept_by} /> : null;

  if (!awaiting && !claimable && !canReroute && !countdown) return null;

  const onAccept = () =>
    accept.mutate(undefined, {
      onSuccess: () => void message.success(t('detail.accepted')),
      onError: (error) => void message.error(problemText(error, t('common:state.error'))),
    });

  const onClaim = () =>
    claim.mutate(ticket.id, {
      onSuccess: () => void message.success(t('detail.claimed')),
      // Lost the race: the detail names who has it; the page reloads to show them.
      onError: (error) => void message.warning(t('pool.lost', { detail: problemText(error, t('common:state.error')) })),
    });

  return (
    <div className={styles.detailActions} data-testid="dispatch-actions">
      {awaiting ? (
        <Alert
          type="info"
          showIcon
          title={t('detail.awaiting')}
          className={styles.awaiting}
          data-testid="awaiting-acceptance"
          description={
            <>
            {countdown}
            <div className={styles.buttonRow}>
              <Button type="primary" icon={<CheckOutlined />} loading={accept.isPending} onClick={onAccept} data-testid="accept-button">
                {t('detail.accept')}
              </Button>
              <Button icon={<CloseOutlined />} disabled={accept.isPending} onClick={() => setDialog('decline')} data-testid="decline-button">
                {t('detail.decline')}
              </Button>
            </div>
            </>
          }
        />
      ) : null}
      {countdown && !awaiting ? countdown : null}
      {claimable ? (
        <Alert
          type="warning"
          showIcon
          icon={<ThunderboltOutlined />}
          title={t('detail.inPool')}
          className={styles.awaiting}
          data-testid="in-pool"
          description={
            <Button type="primary" loading={claim.isPending} onClick={onClaim} data-testid="claim-button">
              {t('pool.claim')}
            </Button>
          }
        />
      ) : null}
      {canReroute ? (
        <Button icon={<NodeIndexOutlined />} onClick={() => setDialog('reroute')} data-testid="reroute-button">
          {t('detail.reroute')}
        </Button>
      ) : null}
      {awaiting ? <DeclineDialog ticket={ticket} open={dialog === 'decline'} onClose={() => setDialog(null)} onGone={onGone} /> : null}
      {canReroute ? <RerouteDialog ticket={ticket} open={dialog === 'reroute'} onClose={() => setDialog(null)} onGone={onGone} /> : null}
    </div>
  );
}

interface DialogProps {
  ticket: Ticket;
  open: boolean;
  onClose: () => void;
  onGone: () => void;
}

function okSubmits(formId: string, testId: string): ButtonProps {
  return { htmlType: 'submit', form: formId, 'data-testid': testId } as ButtonProps;
}

/** Declining needs a reason, kept in the history; dispatch then runs again without the caller. */
export function DeclineDialog({ ticket, open, onClose, onGone }: DialogProps) {
  const { t } = useTranslation(['dispatch', 'common']);
  const { message } = App.useApp();
  const decline = useDecline(ticket.id);
  const formId = useId();

  const submit = ({ reason }: { reason: string }) =>
    decline.mutate(reason.trim(), {
      onSuccess: () => {
        onClose();
        void message.success(t('detail.declined'));
      },
      onError: (error) => {
        // Declined, and the ticket went where the caller may not follow.
        if (error instanceof ApiProblem && error.status === 404) {
          onClose();
          onGone();
        }
      },
    });

  return (
    <Modal
      open={open}
      title={t('detail.declineTitle', { number: ticket.number })}
      okText={t('detail.decline')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      confirmLoading={decline.isPending}
      okButtonProps={okSubmits(formId, 'decline-submit')}
      destroyOnHidden
      width={480}
    >
      <Form<{ reason: string }> id={formId} layout="vertical" onFinish={submit} data-testid="decline-dialog">
        <Form.Item
          name="reason"
          label={t('detail.declineReason')}
          rules={[
            { required: true, whitespace: true, message: t('detail.declineReasonRequired') },
            { max: MAX_NOTE, message: t('detail.tooLong', { max: MAX_NOTE }) },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('detail.declinePlaceholder')} />
        </Form.Item>
      </Form>
      {decline.isError && !(decline.error instanceof ApiProblem && decline.error.status === 404) ? (
        <ProblemAlert error={decline.error} />
      ) : null}
    </Modal>
  );
}

/** Routes the ticket again now: the rules, then the strategy; the decision appears in the history. */
function RerouteDialog({ ticket, open, onClose, onGone }: DialogProps) {
  const { t } = useTranslation(['dispatch', 'common']);
  const { message } = App.useApp();
  const reroute = useReroute(ticket.id);
  const formId = useId();

  const submit = ({ note }: { note?: string }) =>
    reroute.mutate(note?.trim() || undefined, {
      onSuccess: () => {
        onClose();
        void message.success(t('detail.rerouted'));
      },
      onError: (error) => {
        if (error instanceof ApiProblem && error.status === 404) {
          onClose();
          onGone();
        }
      },
    });

  return (
    <Modal
      open={open}
      title={t('detail.rerouteTitle', { number: ticket.number })}
      okText={t('detail.reroute')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      confirmLoading={reroute.isPending}
      okButtonProps={okSubmits(formId, 'reroute-submit')}
      destroyOnHidden
      width={480}
    >
      <p>{t('detail.rerouteHint')}</p>
      <Form<{ note?: string }> id={formId} layout="vertical" onFinish={submit}>
        <Form.Item name="note" label={t('detail.rerouteNote')} rules={[{ max: MAX_NOTE, message: t('detail.tooLong', { max: MAX_NOTE }) }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
      </Form>
      {reroute.isError && !(reroute.error instanceof ApiProblem && reroute.error.status === 404) ? (
        <ProblemAlert error={reroute.error} />
      ) : null}
    </Modal>
  );
}
