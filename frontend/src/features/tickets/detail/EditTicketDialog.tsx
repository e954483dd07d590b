import { useId, useState } from 'react';
import { Alert, App, Divider, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { showServerErrors } from '@/components/formErrors';
import { ProblemAlert } from '@/components/ProblemAlert';
import { CustomFieldInput } from '../fields/CustomFieldInput';
import { fieldRules } from '../fields/fieldRules';
import { isEmptyFieldValue, toWireValue } from '../fields/validateFieldValue';
import { etagOf, useUpdateTicket, type CustomFieldValues, type FieldDefinition, type TicketPatch, type TicketView } from './api';

const PRIORITIES: readonly Schemas['Priority'][] = ['low', 'normal', 'high', 'urgent'];
const MAX_SUBJECT = 200;
const MAX_DESCRIPTION = 50_000;
const MAX_TAGS = 20;
const MAX_TAG_CHARS = 50;

interface EditValues {
  subject: string;
  priority: Schemas['Priority'];
  tags: string[];
  description: string;
  custom_fields: CustomFieldValues;
}

interface Props {
  ticket: TicketView;
  fields: readonly FieldDefinition[];
  open: boolean;
  onClose: () => void;
  /** The API refused the edit because the ticket changed meanwhile (412). */
  onConflict: () => void;
}

export function EditTicketDialog({ ticket, fields, open, onClose, onConflict }: Props) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const update = useUpdateTicket(ticket.id);
  const formId = useId();
  return (
    <Modal
      open={open}
      title={t('edit.title', { number: ticket.number })}
      okText={t('edit.submit')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      confirmLoading={update.isPending}
      destroyOnHidden
      width={720}
      okButtonProps={{ htmlType: 'submit', form: formId, 'data-testid': 'edit-submit' } as ButtonProps}
    >
      <EditForm formId={formId} ticket={ticket} fields={fields} update={update} onClose={onClose} onConflict={onConflict} />
    </Modal>
  );
}

/** Same value, as far as the API is concerned (empty is empty, whatever its shape). */
function sameValue(a: unknown, b: unknown): boolean {
  if (isEmptyFieldValue(a) && isEmptyFieldValue(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function EditForm({
  formId,
  ticket,
  fields,
  update,
  onClose,
  onConflict,
}: Omit<Props, 'open'> & { formId: string; update: ReturnType<typeof useUpdateTicket> }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { t: tForm } = useTranslation('ticketForm');
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  // The version the form was filled from: a background refetch must not make a stale edit look fresh.
  const [snapshot] = useState(() => ({ ticket, etag: etagOf(ticket) }));
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const original = snapshot.ticket;
  const originalFields = original.custom_fields as CustomFieldValues;

  const submit = (values: EditValues) => {
    const patch: TicketPatch = {};
    const subject = values.subject.trim();
    if (subject !== original.subject) patch.subject = subject;
    if (values.priority !== original.priority) patch.priority = values.priority;
    const tags = values.tags.map((tag) => tag.trim()).filter(Boolean);
    if (!sameValue(tags, original.tags)) patch.tags = tags;
    if (values.description !== original.description) patch.description = values.description;
    const customFields: CustomFieldValues = {};
    for (const definition of fields) {
      const next = values.custom_fields?.[definition.key];
      const wire = isEmptyFieldValue(next) ? null : toWireValue(definition, next);
      if (!sameValue(wire, originalFields[definition.key])) customFields[definition.key] = wire;
    }
    if (Object.keys(customFields).length > 0) patch.custom_fields = customFields as TicketPatch['custom_fields'];

    if (Object.keys(patch).length === 0) {
      void message.info(t('edit.noChanges'));
      onClose();
      return;
    }
    setUnplaced(null);
    update.mutate(
      { patch, etag: snapshot.etag },
      {
        onSuccess: () => {
          void message.success(t('edit.saved'));
          onClose();
        },
        onError: (error) => {
          if (error instanceof ApiProblem && error.status === 412) {
            onClose();
            onConflict();
            return;
          }
          const names = ['subject', 'priority', 'tags', 'description', ...fields.map((d) => `custom_fields.${d.key}`)];
          if (showServerErrors(form, error, names) !== null) setUnplaced(error);
        },
      },
    );
  };

  return (
    <>
      <Form<EditValues>
        id={formId}
        form={form}
        layout="vertical"
        onFinish={submit}
        scrollToFirstError
        data-testid="edit-dialog"
        initialValues={{
          subject: original.subject,
          priority: original.priority,
          tags: original.tags,
          description: original.description,
          custom_fields: Object.fromEntries(fields.map((d) => [d.key, originalFields[d.key]])),
        }}
      >
        <Form.Item
          name="subject"
          label={t('edit.subject')}
          rules={[
            { required: true, whitespace: true, message: t('edit.subjectRequired') },
            { max: MAX_SUBJECT, message: t('limit', { max: MAX_SUBJECT }) },
          ]}
        >
          <Input maxLength={MAX_SUBJECT} showCount />
        </Form.Item>
        <Form.Item name="priority" label={t('edit.priority')}>
          <Select options={PRIORITIES.map((p) => ({ value: p, label: t(`common:priority.${p}`) }))} />
        </Form.Item>
        <Form.Item
          name="tags"
          label={t('edit.tags')}
          rules={[
            {
              validator: async (_rule, value: string[] | undefined) => {
                if ((value ?? []).length > MAX_TAGS) throw new Error(t('edit.tooManyTags', { max: MAX_TAGS }));
                if ((value ?? []).some((tag) => [...tag].length > MAX_TAG_CHARS))
                  throw new Error(t('limit', { max: MAX_TAG_CHARS }));
              },
            },
          ]}
        >
          <Select mode="tags" tokenSeparators={[',', '，']} placeholder={t('edit.tagsPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('edit.description')}
          rules={[{ max: MAX_DESCRIPTION, message: t('limit', { max: MAX_DESCRIPTION }) }]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} />
        </Form.Item>
        {fields.length > 0 ? (
          <>
            <Divider titlePlacement="start" plain>
              {t('edit.customFields')}
            </Divider>
            {fields.map((definition) => (
              <Form.Item
                key={definition.key}
                name={['custom_fields', definition.key]}
                label={definition.label}
                rules={fieldRules(definition, tForm)}
              >
                <CustomFieldInput definition={definition} />
              </Form.Item>
            ))}
          </>
        ) : null}
      </Form>
      {unplaced ? (
        unplaced instanceof ApiProblem && unplaced.status === 422 ? (
          <Alert type="error" showIcon title={t('edit.invalid')} description={Object.entries(unplaced.errors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\n')} />
        ) : (
          <ProblemAlert error={unplaced} />
        )
      ) : null}
    </>
  );
}
