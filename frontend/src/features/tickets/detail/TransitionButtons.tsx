import { useId, useState } from 'react';
import { App, Button, Form, Input, Modal, type ButtonProps } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { ProblemAlert } from '@/components/ProblemAlert';
import { detailKeys, useTransition, type TicketStatus, type TicketView } from './api';
import styles from './TicketDetail.module.css';

/** Buttons in a stable order, whatever order the API lists them in. */
const ORDER: readonly TicketStatus[] = ['in_progress', 'assigned', 'pending', 'resolved', 'closed', 'new'];

/** The move most people make next from each status: shown as the primary button. */
const NEXT: Record<TicketStatus, TicketStatus> = {
  new: 'in_progress',
  assigned: 'in_progress',
  in_progress: 'resolved',
  pending: 'resolved',
  resolved: 'closed',
  closed: 'in_progress',
};

/** Starting work needs no explanation; every other move (reopening too) may carry a note for the history. */
function asksForNote(from: TicketStatus, to: TicketStatus): boolean {
  return to !== 'in_progress' || from === 'resolved' || from === 'closed';
}

const MAX_NOTE = 2000;

type Ticket = Pick<TicketView, 'id' | 'number' | 'status' | 'allowed_transitions'>;

export function transitionLabelKey(from: TicketStatus, to: TicketStatus) {
  if (to === 'in_progress' && (from === 'resolved' || from === 'closed')) return 'transition.reopen' as const;
  return `transition.${to as Exclude<TicketStatus, 'new'>}` as const;
}

/**
 * One button per move the API allows this caller now (`allowed_transitions`). Moving to
 * `assigned` needs somebody to assign, so that button opens the assign dialog instead.
 */
export function TransitionButtons({
  ticket,
  canAssign,
  onAssign,
  exclude,
}: {
  ticket: Ticket;
  canAssign: boolean;
  onAssign: () => void;
  /** Moves another control offers instead (e.g. accept instead of starting work). */
  exclude?: readonly TicketStatus[];
}) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { message } = App.useApp();
  const client = useQueryClient();
  const transition = useTransition(ticket.id);
  const [target, setTarget] = useState<TicketStatus | null>(null);
  const formId = useId();

  const allowed = ORDER.filter(
    (status) =>
      ticket.allowed_transitions.includes(status) &&
      status !== 'new' &&
      (status !== 'assigned' || canAssign) &&
      !exclude?.includes(status),
  );

  const move = (status: TicketStatus, note?: string) =>
    transition.mutate(
      { status, note: note?.trim() || undefined },
      {
        onSuccess: () => {
          setTarget(null);
          void message.success(t('transition.done', { status: t(`common:status.${status}`) }));
        },
        onError: (error) => {
          // 409: somebody moved it meanwhile; show the buttons for the real status.
          if (error instanceof ApiProblem && error.status === 409) {
            void client.invalidateQueries({ queryKey: detailKeys.ticket(ticket.id), exact: true });
          }
          if (!target) void message.error(error instanceof ApiProblem ? error.detail || error.title : t('common:state.error'));
        },
      },
    );

  const onClick = (status: TicketStatus) => {
    if (status === 'assigned') onAssign();
    else if (!asksForNote(ticket.status, status)) move(status);
    else {
      transition.reset();
      setTarget(status);
    }
  };

  if (allowed.length === 0) return <p className={styles.muted}>{t('transition.none')}</p>;

  return (
    <>
      <div className={styles.buttonRow}>
        {allowed.map((status) => (
          <Button
            key={status}
            data-testid={`transition-${status}`}
            type={status === NEXT[ticket.status] ? 'primary' : 'default'}
            loading={transition.isPending && transition.variables.status === status && !target}
            disabled={transition.isPending}
            onClick={() => onClick(status)}
          >
            {t(transitionLabelKey(ticket.status, status))}
          </Button>
        ))}
      </div>
      <Modal
        open={target !== null}
        title={target ? t('transition.dialogTitle', { action: t(transitionLabelKey(ticket.status, target)), number: ticket.number }) : null}
        okText={target ? t(transitionLabelKey(ticket.status, target)) : undefined}
        cancelText={t('common:action.cancel')}
        onCancel={() => setTarget(null)}
        confirmLoading={transition.isPending}
        okButtonProps={{ htmlType: 'submit', form: formId, 'data-testid': 'transition-confirm' } as ButtonProps}
        destroyOnHidden
        width={480}
      >
        {target ? (
          <>
            <p>{t('transition.moveTo', { status: t(`common:status.${target}`) })}</p>
            <NoteForm id={formId} onFinish={(note) => move(target, note)} />
          </>
        ) : null}
        {transition.isError ? <ProblemAlert error={transition.error} /> : null}
      </Modal>
    </>
  );
}

/** The optional note of a move; mounted only while its dialog is open, so it starts empty. */
function NoteForm({ id, onFinish }: { id: string; onFinish: (note: string | undefined) => void }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  return (
    <Form<{ note?: string }> id={id} layout="vertical" onFinish={({ note }) => onFinish(note)}>
      <Form.Item name="note" label={t('transition.noteLabel')} rules={[{ max: MAX_NOTE, message: t('limit', { max: MAX_NOTE }) }]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('transition.notePlaceholder')} />
      </Form.Item>
    </Form>
  );
}
