import { useState } from 'react';
import { Button, Card, Descriptions, Form, Input, InputNumber, Select, Tag, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, ExperimentOutlined, MinusCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { useAuth } from '@/auth/AuthProvider';
import { PriorityTag } from '@/components/tags';
import { FormProblem } from '../components';
import { usePickers } from './pickers';
import { useTestRouting } from './routingApi';
import { rulesForTest, typedValue, type RuleInput, type RuleView } from './ruleModel';
import styles from '../admin.module.css';

const PRIORITIES: Schemas['Priority'][] = ['low', 'normal', 'high', 'urgent'];
const CHANNELS: Schemas['Channel'][] = ['web', 'portal', 'api', 'email', 'phone', 'monitoring'];

interface SampleValues {
  type_id?: number;
  priority: Schemas['Priority'];
  channel: Schemas['Channel'];
  subject?: string;
  description?: string;
  organization_id?: number | null;
  tags?: string[];
  location_label?: string;
  custom_fields?: Record<string, string | number | null | undefined>;
}

/** The sample ticket as routing sees it: the organisation's tier, typed custom-field values, now. */
export function sampleFacts(
  values: SampleValues,
  context: {
    requesterId: number;
    organizations: readonly { value: number; tier: string | null }[];
    fields: readonly Schemas['FieldDefinition'][];
    now?: Date;
  },
): Schemas['TicketFacts'] {
  const organization = context.organizations.find((o) => o.value === values.organization_id);
  const custom_fields: Record<string, unknown> = {};
  for (const field of context.fields) {
    const raw = values.custom_fields?.[field.key];
    if (raw === undefined || raw === null || raw === '') continue;
    custom_fields[field.key] = typeof raw === 'number' ? raw : typedValue(String(raw), field.kind);
  }
  return {
    type_id: values.type_id ?? 0,
    priority: values.priority,
    channel: values.channel,
    subject: values.subject?.trim() ?? '',
    description: values.description?.trim() ?? '',
    requester_id: context.requesterId,
    organization_id: values.organization_id ?? null,
    organization_tier: organization?.tier ?? null,
    tags: values.tags ?? [],
    location_label: values.location_label?.trim() || null,
    custom_fields,
    created_at: (context.now ?? new Date()).toISOString(),
  };
}

/**
 * "Test this rule": a sample ticket routed through the saved rules with the editor's unsaved
 * rule in its place, showing each rule's trace and where the ticket would go, with the reason.
 */
export function RuleTestBox({
  draft,
  saved,
  editingId,
  onDraftErrors,
}: {
  draft: RuleInput;
  saved: readonly RuleView[];
  editingId: number | null;
  /** 422 paths of the draft (`rules[i].conditions[0].value`) go onto its rows; returns what found no row. */
  onDraftErrors: (errors: Record<string, string[]>, prefix: string) => Record<string, string[]>;
}) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const { user } = useAuth();
  const pickers = usePickers();
  const [form] = Form.useForm<SampleValues>();
  const typeId = Form.useWatch('type_id', form);
  const fields = pickers.types.find((type) => type.id === typeId)?.fields ?? [];
  const [result, setResult] = useState<{ view: Schemas['RoutingTestView']; index: number } | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const test = useTestRouting();

  const run = async (values: SampleValues) => {
    const { rules, index } = rulesForTest(saved, draft, editingId);
    const ticket = sampleFacts(values, { requesterId: user?.id ?? 0, organizations: pickers.organizationOptions, fields });
    setProblem(null);
    try {
      const view = await test.mutateAsync({ ticket, rules });
      setResult({ view, index });
    } catch (error) {
      setResult(null);
      if (error instanceof ApiProblem && error.status === 422) {
        const rest = onDraftErrors(error.errors, `rules[${index}].`);
        setProblem(Object.keys(rest).length ? new ApiProblem(422, { ...error.body, errors: rest }) : new ApiProblem(422, { ...error.body, errors: {}, detail: t('test.fixRule') }));
      } else {
        setProblem(error);
      }
    }
  };

  return (
    <Card
      size="small"
      className={styles.section}
      title={
        <span>
          <ExperimentOutlined /> {t('test.title')}
        </span>
      }
      data-testid="rule-test"
    >
      <Typography.Paragraph type="secondary">{t('test.intro')}</Typography.Paragraph>
      <Form<SampleValues>
        form={form}
        layout="vertical"
        initialValues={{ priority: 'normal', channel: 'web', tags: [] }}
        onFinish={(values) => void run(values)}
      >
        <div className={styles.testGrid}>
          <Form.Item name="type_id" label={t('test.type')} rules={[{ required: true, message: t('test.typeRequired') }]}>
            <Select options={pickers.typeOptions} showSearch={{ optionFilterProp: 'label' }} loading={pickers.loading} data-testid="test-type" />
          </Form.Item>
          <Form.Item name="priority" label={t('test.priority')}>
            <Select options={PRIORITIES.map((p) => ({ value: p, label: <PriorityTag priority={p} /> }))} />
          </Form.Item>
          <Form.Item name="channel" label={t('test.channel')}>
            <Select options={CHANNELS.map((c) => ({ value: c, label: t(`common:channel.${c}`) }))} />
          </Form.Item>
          <Form.Item name="subject" label={t('test.subject')} className={styles.wide}>
            <Input data-testid="test-subject" />
          </Form.Item>
          <Form.Item name="description" label={t('test.description')} className={styles.wide}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
          </Form.Item>
          <Form.Item name="organization_id" label={t('test.organization')}>
            <Select
              allowClear
              options={pickers.organizationOptions.map((o) => ({ value: o.value, label: o.tier ? `${o.label} · ${o.tier}` : o.label }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
          <Form.Item name="tags" label={t('test.tags')}>
            <Select mode="tags" open={false} tokenSeparators={[',']} />
          </Form.Item>
          <Form.Item name="location_label" label={t('test.location')}>
            <Input placeholder={t('test.locationPlaceholder')} />
          </Form.Item>
          {fields.map((field) => (
            <Form.Item key={field.key} name={['custom_fields', field.key]} label={field.label}>
              {field.kind === 'select' || field.kind === 'multi_select' ? (
                <Select allowClear options={(field.options ?? []).map((o) => ({ value: o, label: o }))} />
              ) : field.kind === 'number' ? (
                <InputNumber style={{ width: '100%' }} />
              ) : field.kind === 'checkbox' ? (
                <Select allowClear options={[{ value: 'true', label: t('common:form.yes') }, { value: 'false', label: t('common:form.no') }]} />
              ) : (
                <Input type={field.kind === 'date' ? 'date' : 'text'} />
              )}
            </Form.Item>
          ))}
        </div>
        <Button htmlType="submit" icon={<ExperimentOutlined />} loading={test.isPending} data-testid="run-test">
          {t('test.run')}
        </Button>
      </Form>
      {problem ? (
        <div className={styles.section}>
          <FormProblem error={problem} />
        </div>
      ) : null}
      {result ? <TestResult view={result.view} draftIndex={result.index} draft={draft} /> : null}
    </Card>
  );
}

function TestResult({ view, draftIndex, draft }: { view: Schemas['RoutingTestView']; draftIndex: number; draft: RuleInput }) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const assignment = view.assignment;
  const who = !assignment
    ? t('test.noAssignment')
    : assignment.outcome === 'agent'
      ? (view.assignee_name ?? `#${assignment.user_id}`)
      : assignment.outcome === 'pool'
        ? t('test.pool', { count: assignment.offered_to.length })
        : t(`test.queue.${assignment.reason}`);
  return (
    <div className={styles.section} data-testid="test-result">
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'group', label: t('test.group'), children: <span data-testid="test-group">{view.group_name ?? t('test.noGroup')}</span> },
          { key: 'agent', label: t('test.agent'), children: <span data-testid="test-agent">{who}</span> },
          ...(view.outcome.priority ? [{ key: 'priority', label: t('test.priority'), children: <PriorityTag priority={view.outcome.priority} /> }] : []),
          ...(view.outcome.added_tags.length
            ? [{ key: 'tags', label: t('test.addedTags'), children: view.outcome.added_tags.map((tag) => <Tag key={tag}>{tag}</Tag>) }]
            : []),
        ]}
      />
      <p className={styles.reasonText} data-testid="test-reason">
        {view.reason}
      </p>
      <Typography.Title level={5} className={styles.section}>
        {t('test.trace')}
      </Typography.Title>
      <ol className={styles.trace} data-testid="test-trace">
        {view.trace.map((entry, index) => {
          const isDraft = index === draftIndex;
          const status = !entry.enabled ? 'disabled' : !entry.evaluated ? 'skipped' : entry.matched ? 'matched' : 'missed';
          return (
            <li
              key={`${entry.rule_id}-${index}`}
              className={`${styles.traceItem} ${entry.matched ? styles.traceMatched : ''} ${isDraft ? styles.traceDraft : ''}`}
              data-testid="trace-rule"
              data-status={status}
              data-name={entry.name}
            >
              {entry.matched ? <CheckCircleFilled style={{ color: '#52c41a' }} /> : entry.evaluated ? <CloseCircleFilled style={{ color: '#ff4d4f' }} /> : <MinusCircleOutlined />}
              <strong>{entry.name}</strong>
              {isDraft ? <Tag color="blue">{t('test.thisRule')}</Tag> : null}
              <span className={styles.secondary}>{t(`test.status.${status}`)}</span>
              {entry.evaluated && entry.conditions.length ? (
                <span className={styles.traceConditions}>
                  {entry.conditions.map((held, i) => (
                    <Tag key={i} color={held ? 'success' : 'error'}>
                      {isDraft && draft.conditions?.[i] ? t(`condition.kind.${draft.conditions[i].kind}`) : t('test.condition', { n: i + 1 })}
                      {held ? ' ✓' : ' ✗'}
                    </Tag>
                  ))}
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
