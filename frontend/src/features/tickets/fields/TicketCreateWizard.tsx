import { useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Col, Empty, Form, Grid, Input, Row, Steps, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { activeTicketTypesQueryOptions } from '@/api/ticketTypes';
import { showServerErrors } from '@/components/formErrors';
import { ProblemAlert } from '@/components/ProblemAlert';
import { QueryState } from '@/components/QueryState';
import { useCurrentUser } from '@/auth/AuthProvider';
import { CUSTOM_FIELDS, CustomFieldsFormItems } from './CustomFieldsFormItems';
import { newIdempotencyKey } from './idempotencyKey';
import { RoutingFields } from './RoutingFields';
import { TicketTypeCards } from './TicketTypeCards';
import { customFieldsPayload, initialFieldValues } from './validateFieldValue';
import styles from './create.module.css';

type TicketType = Schemas['TicketTypeView'];
type TicketView = Schemas['TicketView'];
type NewTicketInput = Schemas['NewTicketInput'];

export interface CreateTicketValues {
  subject: string;
  description?: string;
  priority?: Schemas['Priority'];
  requester_id?: number | null;
  organization_id?: number | null;
  group_id?: number | null;
  tags?: string[];
  custom_fields?: Record<string, unknown>;
}

/** Limits of NewTicketInput (crates/app/src/tickets.rs). */
export const SUBJECT_MAX = 200;
export const DESCRIPTION_MAX = 50_000;

const STAFF_FIELDS = ['subject', 'description', 'priority', 'requester_id', 'organization_id', 'group_id', 'tags'];
const CUSTOMER_FIELDS = ['subject', 'description'];

/** The request body: staff route and prioritise, customers only describe (the server decides the rest). */
function toRequest(type: TicketType, values: CreateTicketValues, staff: boolean): NewTicketInput {
  const common = {
    type_id: type.id,
    subject: values.subject.trim(),
    description: values.description ?? '',
    custom_fields: customFieldsPayload(type.fields, values.custom_fields),
  };
  if (!staff) return common;
  return {
    ...common,
    priority: values.priority ?? type.default_priority,
    requester_id: values.requester_id ?? null,
    organization_id: values.organization_id ?? null,
    group_id: values.group_id ?? null,
    tags: (values.tags ?? []).map((tag) => tag.trim()),
  };
}

interface SubmitProblem {
  problem: unknown;
  /** Field errors no field of the form shows. */
  unmatched: Record<string, string[]>;
  /** A 422 whose every error sits on a field. */
  onFields: boolean;
}

/**
 * Creating a ticket in two screens and a submit: choose the type (?type=<id> in the URL, so
 * browser back works) → fill the form generated from its fields → submit. The form stays
 * mounted while the type is chosen again, so going back keeps what was typed.
 */
export function TicketCreateWizard({
  audience,
  title,
  ticketPath,
  emptyTypes,
}: {
  audience: 'staff' | 'customer';
  title: ReactNode;
  ticketPath: (ticket: TicketView) => string;
  /** Shown when no ticket type exists. */
  emptyTypes?: ReactNode;
}) {
  const staff = audience === 'staff';
  const mobile = !Grid.useBreakpoint().md;
  const { t } = useTranslation('ticketForm');
  const { t: tCommon } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<CreateTicketValues>();
  const types = useQuery(activeTicketTypesQueryOptions());
  const [formTypeId, setFormTypeId] = useState<number | null>(null);
  const [submitProblem, setSubmitProblem] = useState<SubmitProblem | null>(null);
  const me = useCurrentUser();
  // One key per intended ticket: a retry of this form after a lost response cannot create a second ticket.
  const [idempotencyKey] = useState(newIdempotencyKey);

  const requestedId = Number(params.get('type')) || null;
  const requested = types.data?.find((type) => type.id === requestedId) ?? null;
  const formType = requested ?? types.data?.find((type) => type.id === formTypeId) ?? null;
  const step = requested ? 1 : 0;

  // Remember the type asked for in the URL (adjusted while rendering, not in an effect).
  if (requested && formTypeId !== requested.id) setFormTypeId(requested.id);

  // A new step starts at the top (the type cards can be a long way down on a phone).
  useEffect(() => {
    const root = document.scrollingElement;
    if (root && typeof root.scrollTo === 'function') root.scrollTo({ top: 0 });
  }, [step]);

  const chooseType = (type: TicketType) => {
    if (formType && formType.id !== type.id) {
      // The form is mounted for another type: carry common values over, adopt the new type's defaults.
      if (staff && !form.isFieldTouched('priority')) form.setFieldValue('priority', type.default_priority);
      const current = (form.getFieldValue(CUSTOM_FIELDS) as Record<string, unknown> | undefined) ?? {};
      form.setFieldValue(CUSTOM_FIELDS, { ...initialFieldValues(type.fields), ...current });
      setSubmitProblem(null);
    }
    setParams({ type: String(type.id) });
  };

  const create = useMutation({
    mutationFn: (body: NewTicketInput) =>
      unwrap(api.POST('/api/v1/tickets', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } })),
    onSuccess: (ticket) => {
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
      message.success(t('created', { number: ticket.number }));
      navigate(ticketPath(ticket));
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.status === 422 && formType) {
        const shown = [...(staff ? STAFF_FIELDS : CUSTOMER_FIELDS), ...formType.fields.map((f) => `${CUSTOM_FIELDS}.${f.key}`)];
        const rest = showServerErrors(form, error, shown, { scroll: true });
        const unmatched = rest instanceof ApiProblem ? rest.errors : {};
        setSubmitProblem({ problem: error, unmatched, onFields: Object.keys(unmatched).length === 0 });
      } else {
        setSubmitProblem({ problem: error, unmatched: {}, onFields: false });
      }
    },
  });

  const submit = (values: CreateTicketValues) => {
    if (!formType) return;
    setSubmitProblem(null);
    create.mutate(toRequest(formType, values, staff));
  };

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Steps
        className={styles.steps}
        size="small"
        responsive={false}
        titlePlacement={mobile ? 'vertical' : 'horizontal'}
        current={step}
        items={[{ title: t('steps.type') }, { title: t('steps.details') }]}
      />

      {step === 0 ? (
        <QueryState query={types} isEmpty={(list) => list.length === 0} empty={<Empty description={emptyTypes ?? t('type.empty')} />}>
          {(list) => (
            <section aria-labelledby="choose-type-heading">
              <Typography.Title level={5} id="choose-type-heading">
                {t('type.heading')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{staff ? t('type.hint') : t('type.hintCustomer')}</Typography.Paragraph>
              {requestedId !== null ? <Alert type="warning" showIcon title={t('type.unknown')} style={{ marginBottom: 16 }} /> : null}
              <TicketTypeCards types={list} selectedId={formType?.id ?? null} onSelect={chooseType} showPriority={staff} />
            </section>
          )}
        </QueryState>
      ) : null}

      {formType ? (
        <div hidden={step !== 1}>
          <div className={styles.formHeader}>
            <Typography.Text type="secondary">{t('type.current')}</Typography.Text>
            <Typography.Text strong>{formType.name}</Typography.Text>
            <Button type="link" size="small" onClick={() => setParams({})} disabled={create.isPending}>
              {t('type.change')}
            </Button>
          </div>
          <Form<CreateTicketValues>
            form={form}
            layout="vertical"
            onFinish={submit}
            scrollToFirstError={{ block: 'center' }}
            initialValues={{
              priority: formType.default_priority,
              requester_id: staff ? me.id : undefined,
              custom_fields: initialFieldValues(formType.fields),
            }}
            disabled={create.isPending}
            data-testid="create-form"
            aria-label={typeof title === 'string' ? title : undefined}
          >
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={staff ? 16 : 24}>
                <Card title={t('section.request')} className={styles.section}>
                  <Form.Item
                    name="subject"
                    label={t('subject')}
                    rules={[
                      { required: true, whitespace: true, message: t('subjectRequired') },
                      { max: SUBJECT_MAX, message: t('subjectTooLong', { max: SUBJECT_MAX }) },
                    ]}
                  >
                    <Input placeholder={t('subjectPlaceholder')} maxLength={SUBJECT_MAX} showCount autoComplete="off" />
                  </Form.Item>
                  <Form.Item
                    name="description"
                    label={t('description')}
                    rules={[{ max: DESCRIPTION_MAX, message: t('descriptionTooLong', { max: DESCRIPTION_MAX }) }]}
                  >
                    <Input.TextArea placeholder={t('descriptionPlaceholder')} autoSize={{ minRows: 4, maxRows: 14 }} />
                  </Form.Item>
                </Card>
                {formType.fields.length > 0 ? (
                  <Card title={t('section.fields', { type: formType.name })} className={styles.section}>
                    <CustomFieldsFormItems definitions={formType.fields} />
                  </Card>
                ) : null}
              </Col>
              {staff ? (
                <Col xs={24} lg={8}>
                  <Card title={t('section.routing')}>
                    <RoutingFields defaultGroupId={formType.default_group_id} />
                  </Card>
                </Col>
              ) : null}
            </Row>

            {submitProblem ? (
              <div style={{ marginTop: 16 }} data-testid="create-problem">
                {submitProblem.onFields ? (
                  <Alert type="error" showIcon role="alert" title={t('rejected')} description={t('fixErrors')} />
                ) : (
                  <>
                    <ProblemAlert error={submitProblem.problem} />
                    {Object.keys(submitProblem.unmatched).length > 0 ? (
                      <ul className={styles.unmatched}>
                        {Object.entries(submitProblem.unmatched).map(([key, messages]) => (
                          <li key={key}>
                            <Typography.Text code>{key}</Typography.Text> {messages.join('; ')}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </>
                )}
              </div>
            ) : null}

            <div className={styles.actions}>
              <Button icon={<ArrowLeftOutlined />} onClick={() => setParams({})} disabled={create.isPending}>
                {tCommon('action.back')}
              </Button>
              <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-submit">
                {staff ? t('submit') : t('submitPortal')}
              </Button>
            </div>
          </Form>
        </div>
      ) : null}
    </div>
  );
}
