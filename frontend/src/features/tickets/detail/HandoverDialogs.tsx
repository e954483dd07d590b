import { useEffect, useId, useState } from 'react';
import { App, Form, Input, Modal, Select, type ButtonProps, type FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useAgents, type AgentView } from '@/features/dispatch';
import { useAuth, useCurrentUser } from '@/auth/AuthProvider';
import { showServerErrors } from '@/components/formErrors';
import { ProblemAlert } from '@/components/ProblemAlert';
import { useAssign, useGroups, useStaff, useTransfer, type TicketView } from './api';
import { useDirectory } from './directory';

const MAX_NOTE = 2000;

type Ticket = Pick<TicketView, 'id' | 'number' | 'group_id' | 'group_name' | 'assignee_id' | 'assignee_name'>;

interface DialogProps {
  ticket: Ticket;
  open: boolean;
  onClose: () => void;
  /** Done, and the ticket went where the caller may no longer see it. */
  onGone: () => void;
}

function GroupSelect({ value, onChange, placeholder, allowClear, id }: {
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder: string;
  allowClear?: boolean;
  id?: string;
}) {
  const groups = useGroups();
  return (
    <Select<number | null>
      id={id}
      value={value ?? null}
      onChange={(next) => onChange?.(next ?? null)}
      loading={groups.isPending}
      options={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
      placeholder={placeholder}
      allowClear={allowClear}
      showSearch={{ optionFilterProp: 'label' }}
      style={{ width: '100%' }}
    />
  );
}

/** Active staff; only the group's members once a group is chosen. Who may see agents' load (tickets_assign or
 * routing_manage) picks from GET /agents with each one's open tickets against their capacity, and cannot pick an
 * agent who is full; everyone else picks from GET /users. */
function StaffSelect({ groupId, value, onChange, placeholder, current, id }: {
  groupId: number | null;
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder: string;
  /** The ticket's assignee, so the select shows a name before the list has loaded. */
  current?: { id: number; name: string } | null;
  id?: string;
}) {
  const { t } = useTranslation('ticketDetail');
  const { can } = useAuth();
  const seesLoad = can('tickets_assign') || can('routing_manage');
  const staff = useStaff(groupId, !seesLoad);
  const agents = useAgents(groupId, seesLoad);
  const options: { value: number; label: string; title: string; disabled?: boolean }[] = seesLoad
    ? (agents.data ?? []).map((agent) => ({
        value: agent.user_id,
        label: staffLabel(t, agent),
        title: agent.email,
        // The current assignee stays selectable, so an unchanged form still submits.
        disabled: agent.at_capacity && agent.user_id !== value,
      }))
    : (staff.data ?? []).map((user) => ({ value: user.id, label: user.name, title: user.email }));
  if (current && value === current.id && !options.some((option) => option.value === current.id)) {
    options.unshift({ value: current.id, label: current.name, title: '' });
  }
  return (
    <Select<number | null>
      id={id}
      value={value ?? null}
      onChange={(next) => onChange?.(next ?? null)}
      loading={seesLoad ? agents.isPending : staff.isPending}
      options={options}
      placeholder={placeholder}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      style={{ width: '100%' }}
      data-testid="staff-select"
    />
  );
}

/** "李工 · 3/8 open", "李工 · 8/8 open · full", or "李工 · 3 open" without a limit. */
function staffLabel(t: TFunction<'ticketDetail'>, agent: AgentView): string {
  const load =
    agent.capacity === null || agent.capacity === undefined
      ? t('staff.open', { count: agent.open_count })
      : t('staff.openOfCapacity', { count: agent.open_count, capacity: agent.capacity });
  return [agent.name, load, agent.at_capacity ? t('staff.full') : null].filter(Boolean).join(' · ');
}

/** When the group changes, an assignee who is not one of its members is cleared. */
function useClearAssigneeOutsideGroup(form: FormInstance, groupId: number | null | undefined) {
  const groups = useGroups();
  useEffect(() => {
    if (groupId === null || groupId === undefined) return;
    const members = groups.data?.find((group) => group.id === groupId)?.member_ids;
    const assignee = form.getFieldValue('assignee_id') as number | null | undefined;
    if (members && assignee !== null && assignee !== undefined && !members.includes(assignee)) {
      form.setFieldValue('assignee_id', null);
    }
  }, [form, groupId, groups.data]);
}

interface AssignValues {
  group_id: number | null;
  assignee_id: number | null;
  note?: string;
}

/** The modal's OK button submits the form inside by its id; the form (and its state) lives only while open. */
function okSubmits(formId: string, testId: string): ButtonProps {
  return { htmlType: 'submit', form: formId, 'data-testid': testId } as ButtonProps;
}

export function AssignDialog({ ticket, open, onClose, onGone }: DialogProps) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const assign = useAssign(ticket.id, useCurrentUser());
  const formId = useId();
  return (
    <Modal
      open={open}
      title={t('assign.title', { number: ticket.number })}
      okText={t('assign.submit')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      confirmLoading={assign.isPending}
      destroyOnHidden
      width={520}
      okButtonProps={okSubmits(formId, 'assign-submit')}
    >
      <AssignForm formId={formId} ticket={ticket} assign={assign} onDone={onClose} onGone={onGone} />
    </Modal>
  );
}

function AssignForm({ formId, ticket, assign, onDone, onGone }: {
  formId: string;
  ticket: Ticket;
  assign: ReturnType<typeof useAssign>;
  onDone: () => void;
  onGone: () => void;
}) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { message } = App.useApp();
  const directory = useDirectory();
  const [form] = Form.useForm<AssignValues>();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const groupId = Form.useWatch('group_id', form);
  useClearAssigneeOutsideGroup(form, groupId);

  const submit = (values: AssignValues) => {
    const body: { group_id?: number | null; assignee_id?: number | null; note?: string | null } = {};
    if ((values.group_id ?? null) !== (ticket.group_id ?? null)) body.group_id = values.group_id ?? null;
    if ((values.assignee_id ?? null) !== (ticket.assignee_id ?? null)) body.assignee_id = values.assignee_id ?? null;
    if (body.group_id === undefined && body.assignee_id === undefined) {
      form.setFields([{ name: 'assignee_id', errors: [t('assign.nothingChanged')] }]);
      return;
    }
    if (values.note?.trim()) body.note = values.note.trim();
    setUnplaced(null);
    assign.mutate(body, {
      onSuccess: (result) => {
        onDone();
        if (result.visible) void message.success(t('assign.done'));
        else onGone();
      },
      onError: (error) => {
        if (showServerErrors(form, error, ['group_id', 'assignee_id', 'note']) !== null) setUnplaced(error);
      },
    });
  };

  return (
    <>
      <Form<AssignValues>
        id={formId}
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ group_id: ticket.group_id ?? null, assignee_id: ticket.assignee_id ?? null }}
        data-testid="assign-dialog"
      >
        <Form.Item name="group_id" label={t('assign.group')}>
          <GroupSelect placeholder={t('assign.groupPlaceholder')} allowClear />
        </Form.Item>
        <Form.Item name="assignee_id" label={t('assign.assignee')}>
          <StaffSelect
            groupId={groupId ?? null}
            placeholder={t('assign.assigneePlaceholder')}
            current={
              ticket.assignee_id
                ? { id: ticket.assignee_id, name: ticket.assignee_name ?? directory.userName(ticket.assignee_id) }
                : null
            }
          />
        </Form.Item>
        <Form.Item name="note" label={t('assign.note')} rules={[{ max: MAX_NOTE, message: t('limit', { max: MAX_NOTE }) }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
      </Form>
      {unplaced ? <ProblemAlert error={unplaced} /> : null}
    </>
  );
}

interface TransferValues {
  group_id: number | null;
  assignee_id: number | null;
  reason: string;
}

export function TransferDialog({ ticket, open, onClose, onGone }: DialogProps) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const transfer = useTransfer(ticket.id, useCurrentUser());
  const formId = useId();
  return (
    <Modal
      open={open}
      title={t('transfer.title', { number: ticket.number })}
      okText={t('transfer.submit')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      confirmLoading={transfer.isPending}
      destroyOnHidden
      width={520}
      okButtonProps={okSubmits(formId, 'transfer-submit')}
    >
      <TransferForm formId={formId} transfer={transfer} onDone={onClose} onGone={onGone} />
    </Modal>
  );
}

function TransferForm({ formId, transfer, onDone, onGone }: {
  formId: string;
  transfer: ReturnType<typeof useTransfer>;
  onDone: () => void;
  onGone: () => void;
}) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { message } = App.useApp();
  const [form] = Form.useForm<TransferValues>();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const groupId = Form.useWatch('group_id', form);
  useClearAssigneeOutsideGroup(form, groupId);

  const submit = (values: TransferValues) => {
    setUnplaced(null);
    transfer.mutate(
      { group_id: values.group_id, assignee_id: values.assignee_id ?? null, reason: values.reason.trim() },
      {
        onSuccess: (result) => {
          onDone();
          if (result.visible) void message.success(t('transfer.done'));
          else onGone();
        },
        onError: (error) => {
          if (showServerErrors(form, error, ['group_id', 'assignee_id', 'reason']) !== null) setUnplaced(error);
        },
      },
    );
  };

  return (
    <>
      <Form<TransferValues>
        id={formId}
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ group_id: null, assignee_id: null, reason: '' }}
        data-testid="transfer-dialog"
      >
        <Form.Item name="group_id" label={t('transfer.group')} rules={[{ required: true, message: t('transfer.groupRequired') }]}>
          <GroupSelect placeholder={t('transfer.groupPlaceholder')} />
        </Form.Item>
        <Form.Item name="assignee_id" label={t('transfer.assignee')}>
          <StaffSelect groupId={groupId ?? null} placeholder={t('transfer.assigneePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('transfer.reason')}
          rules={[
            { required: true, whitespace: true, message: t('transfer.reasonRequired') },
            { max: MAX_NOTE, message: t('limit', { max: MAX_NOTE }) },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('transfer.reasonPlaceholder')} />
        </Form.Item>
      </Form>
      {unplaced ? <ProblemAlert error={unplaced} /> : null}
    </>
  );
}
