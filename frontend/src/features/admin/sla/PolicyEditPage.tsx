import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { App, Breadcrumb, Button, Card, Checkbox, Empty, Form, Input, InputNumber, Select, Skeleton, Switch, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { NotFound } from '@/app/NotFound';
import { ProblemAlert } from '@/components/ProblemAlert';
import { PriorityTag } from '@/components/tags';
import { FormProblem, ScreenHeader } from '../components';
import { ConditionRow, tagsSelect } from '../routingRules/ConditionRows';
import { PickersContext, useLoadPickers, usePickers } from '../routingRules/pickers';
import { checkRule, placeErrors, ruleReducer, type RuleProblem } from '../routingRules/ruleModel';
import {
  checkPolicy,
  fromPolicyView,
  METRICS,
  minutesHelp,
  newPolicy,
  placePolicyErrors,
  PRIORITIES,
  toPolicyInput,
  type DraftPolicy,
  type Metric,
  type PlacedPolicyErrors,
  type PolicyProblem,
  type Priority,
} from './policyModel';
import { useCalendars, useDeletePolicy, usePolicy, useSavePolicy, type PolicyView } from './slaApi';
import styles from '../admin.module.css';
import sla from './sla.module.css';

/** /admin/sla-policies/new and /admin/sla-policies/:id. */
export function PolicyEditPage() {
  const { id } = useParams();
  const numericId = id === 'new' ? null : Number(id);
  if (numericId !== null && !(Number.isInteger(numericId) && numericId > 0)) return <NotFound />;
  return <PolicyLoader key={id} id={numericId} />;
}

function PolicyLoader({ id }: { id: number | null }) {
  const policy = usePolicy(id);
  const pickers = useLoadPickers();
  if (id !== null && policy.isPending) return <Skeleton active />;
  if (id !== null && policy.isError) {
    if (policy.error instanceof ApiProblem && policy.error.status === 404) return <NotFound />;
    return <ProblemAlert error={policy.error} onRetry={() => void policy.refetch()} />;
  }
  return (
    <PickersContext.Provider value={pickers}>
      <PolicyEditor policy={id === null ? null : (policy.data ?? null)} />
    </PickersContext.Provider>
  );
}

/** The condition rows run through the routing editor's reducer: the policy holds the same rows. */
function conditionsReducer(draft: DraftPolicy, action: Parameters<typeof ruleReducer>[1]): DraftPolicy {
  const rule = ruleReducer({ name: '', enabled: true, continueMatching: false, conditions: draft.conditions, actions: [] }, action);
  return { ...draft, conditions: rule.conditions };
}

function PolicyEditor({ policy }: { policy: PolicyView | null }) {
  const { t } = useTranslation(['sla', 'routing', 'common']);
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const pickers = usePickers();
  const calendars = useCalendars();
  const save = useSavePolicy(policy?.id ?? null);
  const remove = useDeletePolicy();
  const [draft, setDraft] = useState<DraftPolicy>(() => (policy ? fromPolicyView(policy) : newPolicy()));
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(toPolicyInput(policy ? fromPolicyView(policy) : newPolicy())));
  const [attempted, setAttempted] = useState(false);
  const [server, setServer] = useState<PlacedPolicyErrors<string> | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const dirty = JSON.stringify(toPolicyInput(draft)) !== savedJson;

  // The routing editor's checks, on a rule that holds only these conditions (and a placeholder action).
  const clientConditions = useMemo(
    () =>
      placeErrors(
        checkRule({ name: 'x', enabled: true, continueMatching: false, conditions: draft.conditions, actions: [{ uid: 'a', action: { kind: 'add_tags', tags: ['x'] } }] }),
        { conditions: draft.conditions.map((r) => r.uid), actions: ['a'] },
      ),
    [draft.conditions],
  );
  const clientPolicy = useMemo(() => placePolicyErrors(checkPolicy(draft), draft), [draft]);

  const policyText = (code: PolicyProblem) => t(`policy.errors.${code}`);
  const ruleText = (code: RuleProblem) => t(`routing:errors.${code}`);
  const fieldMessages = (path: string) => [...(attempted ? (clientPolicy.fields[path] ?? []).map(policyText) : []), ...(server?.fields[path] ?? [])];
  const cellMessages = (cell: string) => [...(attempted ? (clientPolicy.targets[cell] ?? []).map(policyText) : []), ...(server?.targets[cell] ?? [])];
  const rowMessages = (uid: string, part: string) => [
    ...(attempted ? (clientConditions.conditions[uid]?.[part] ?? []).map(ruleText) : []),
    ...(server?.conditions[uid]?.[part] ?? []),
  ];

  const update = (patch: Partial<DraftPolicy>) => setDraft((d) => ({ ...d, ...patch }));
  const setTarget = (priority: Priority, metric: Metric, minutes: number | null) => {
    setServer((s) => (s ? { ...s, targets: { ...s.targets, [`${priority}.${metric}`]: [] } } : s));
    setDraft((d) => ({ ...d, targets: { ...d.targets, [priority]: { ...d.targets[priority], [metric]: minutes } } }));
  };
  const editCondition = (action: Parameters<typeof ruleReducer>[1]) => {
    if ('uid' in action) setServer((s) => (s ? { ...s, conditions: Object.fromEntries(Object.entries(s.conditions).filter(([uid]) => uid !== action.uid)) } : s));
    setDraft((d) => conditionsReducer(d, action));
  };

  const submit = () => {
    setAttempted(true);
    setProblem(null);
    const hasConditionProblems = Object.keys(clientConditions.conditions).length > 0;
    if (Object.keys(checkPolicy(draft)).length > 0 || hasConditionProblems) {
      void message.error(t('policy.fixErrors'));
      return;
    }
    save.mutate(toPolicyInput(draft, pickers.fieldKinds), {
      onSuccess: (result) => {
        void message.success(policy ? t('policy.saved', { name: result.name }) : t('policy.created', { name: result.name }));
        setServer(null);
        setAttempted(false);
        if (!policy) {
          void navigate(`/admin/sla-policies/${result.id}`, { replace: true });
          return;
        }
        const fresh = fromPolicyView(result);
        setDraft(fresh);
        setSavedJson(JSON.stringify(toPolicyInput(fresh)));
      },
      onError: (error) => {
        if (error instanceof ApiProblem && error.status === 422) {
          const placed = placePolicyErrors(error.errors, draft);
          setServer(placed);
          if (Object.keys(placed.rest).length) setProblem(new ApiProblem(422, { ...error.body, errors: placed.rest }));
          void message.error(t('policy.fixErrors'));
        } else setProblem(error);
      },
    });
  };

  const onDelete = () =>
    policy &&
    modal.confirm({
      title: t('policies.deleteConfirm', { name: policy.name }),
      content: t('policies.deleteHint'),
      okText: t('common:action.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      onOk: () =>
        remove.mutateAsync(policy.id).then(
          () => {
            void message.success(t('policies.deleted', { name: policy.name }));
            void navigate('/admin/sla-policies', { replace: true });
          },
          (error: unknown) => setProblem(error),
        ),
    });

  const status = (list: string[]) => ({ validateStatus: list.length ? ('error' as const) : undefined, help: list.length ? list.join(' ') : undefined });
  const title = policy ? policy.name : t('policy.new');
  const targetsMessages = fieldMessages('targets');

  return (
    <>
      <Breadcrumb className={styles.breadcrumb} items={[{ title: <Link to="/admin/sla-policies">{t('policies.title')}</Link> }, { title }]} />
      <ScreenHeader title={title} extra={policy && !policy.enabled ? <Tag>{t('policies.disabled')}</Tag> : null} />
      <Card size="small" title={t('policy.basics')}>
        <Form layout="vertical" component={false}>
          <Form.Item label={t('policy.name')} required htmlFor="policy-name" {...status(fieldMessages('name'))}>
            <Input id="policy-name" value={draft.name} maxLength={200} onChange={(e) => update({ name: e.target.value })} placeholder={t('policy.namePlaceholder')} data-testid="policy-name" />
          </Form.Item>
          <div className={styles.fieldFlags}>
            <Form.Item label={t('policy.enabled')} extra={t('policy.enabledHint')}>
              <Switch checked={draft.enabled} onChange={(enabled) => update({ enabled })} aria-label={t('policy.enabled')} />
            </Form.Item>
            <Form.Item label={t('policy.calendar')} extra={t('policy.calendarHint')} htmlFor="policy-calendar" {...status(fieldMessages('calendar_id'))}>
              <Select<number | 'none'>
                id="policy-calendar"
                value={draft.calendarId ?? 'none'}
                onChange={(value) => update({ calendarId: value === 'none' ? null : value })}
                loading={calendars.isPending}
                options={[{ value: 'none' as const, label: t('policy.calendar24') }, ...(calendars.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.time_zone})` }))]}
                style={{ minWidth: 220 }}
                data-testid="policy-calendar"
              />
            </Form.Item>
            <Form.Item label={t('policy.warn')} extra={t('policy.warnHint')} htmlFor="policy-warn" {...status(fieldMessages('warn_at_percent'))}>
              <InputNumber id="policy-warn" min={1} max={99} precision={0} value={draft.warnAtPercent} onChange={(v) => update({ warnAtPercent: typeof v === 'number' ? v : 0 })} suffix="%" data-testid="policy-warn" />
            </Form.Item>
          </div>
        </Form>
      </Card>

      <section className={styles.section} aria-labelledby="policy-targets" data-testid="targets">
        <Typography.Title level={4} id="policy-targets">
          {t('policy.targets')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('policy.targetsIntro')}</Typography.Paragraph>
        {targetsMessages.length ? <Typography.Text type="danger">{targetsMessages.join(' ')}</Typography.Text> : null}
        <table className={sla.targets}>
          <thead>
            <tr>
              <th>{t('policy.priority')}</th>
              <th>{t('policy.firstResponse')}</th>
              <th>{t('policy.resolution')}</th>
            </tr>
          </thead>
          <tbody>
            {PRIORITIES.map((priority) => (
              <tr key={priority} data-testid="target-row" data-priority={priority}>
                <th scope="row">
                  <PriorityTag priority={priority} />
                  {cellMessages(priority).length ? <Typography.Text type="danger"> {cellMessages(priority).join(' ')}</Typography.Text> : null}
                </th>
                {METRICS.map((metric) => (
                  <td key={metric} className={sla.targetCell}>
                    <TargetInput
                      label={`${t(`common:priority.${priority}`)} · ${metric === 'first_response' ? t('policy.firstResponse') : t('policy.resolution')}`}
                      value={draft.targets[priority][metric]}
                      onChange={(minutes) => setTarget(priority, metric, minutes)}
                      messages={cellMessages(`${priority}.${metric}`)}
                      testId={`target-${priority}-${metric}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className={styles.section} data-testid="conditions" aria-labelledby="policy-conditions">
        <Typography.Title level={4} id="policy-conditions">
          {t('policy.conditions')} <Tag>{draft.conditions.length}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('policy.conditionsIntro')}</Typography.Paragraph>
        {fieldMessages('conditions').length ? <Typography.Text type="danger">{fieldMessages('conditions').join(' ')}</Typography.Text> : null}
        {draft.conditions.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('policy.noConditions')} />
        ) : (
          <Form component={false} layout="vertical">
            <ol className={styles.rowList}>
              {draft.conditions.map((row, index) => (
                <ConditionRow
                  key={row.uid}
                  index={index}
                  condition={row.condition}
                  rule={draft}
                  messages={(part) => rowMessages(row.uid, part)}
                  onKind={(kind) => editCondition({ type: 'setConditionKind', uid: row.uid, kind })}
                  onChange={(condition) => editCondition({ type: 'updateCondition', uid: row.uid, condition })}
                  onRemove={() => editCondition({ type: 'removeCondition', uid: row.uid })}
                />
              ))}
            </ol>
          </Form>
        )}
        <Button type="dashed" block icon={<PlusOutlined />} className={styles.addField} onClick={() => editCondition({ type: 'addCondition' })} data-testid="add-condition">
          {t('policy.addCondition')}
        </Button>
      </section>

      <Card size="small" className={styles.section} title={t('policy.breach')} data-testid="breach-actions">
        <Typography.Paragraph type="secondary">{t('policy.breachIntro')}</Typography.Paragraph>
        <div className={styles.fieldFlags}>
          <Checkbox checked={draft.raisePriority} onChange={(e) => update({ raisePriority: e.target.checked })} data-testid="breach-raise">
            {t('policy.raisePriority')}
          </Checkbox>
          <Checkbox checked={draft.redispatch} onChange={(e) => update({ redispatch: e.target.checked })} data-testid="breach-redispatch">
            {t('policy.redispatch')}
          </Checkbox>
        </div>
        <Form layout="vertical" component={false}>
          <Form.Item label={t('policy.addTags')} {...status(fieldMessages('breach_actions.add_tags'))}>
            <Select {...tagsSelect} value={draft.addTags} onChange={(addTags: string[]) => update({ addTags })} placeholder={t('policy.typeEnter')} aria-label={t('policy.addTags')} />
          </Form.Item>
        </Form>
      </Card>

      {problem ? (
        <div className={styles.section}>
          <FormProblem error={problem} />
        </div>
      ) : null}

      <div className={styles.stickyActions}>
        {dirty ? <Tag color="orange">{t('policy.unsaved')}</Tag> : null}
        {policy ? (
          <Button danger icon={<DeleteOutlined />} onClick={onDelete}>
            {t('common:action.delete')}
          </Button>
        ) : null}
        <Button onClick={() => void navigate('/admin/sla-policies')}>{t('common:action.back')}</Button>
        <Button type="primary" onClick={submit} loading={save.isPending} data-testid="save-policy">
          {policy ? t('common:action.save') : t('common:action.create')}
        </Button>
      </div>
    </>
  );
}

/** Minutes, with "= 4 h 0 min" under it so nobody has to divide by 60. */
function TargetInput({ label, value, onChange, messages, testId }: { label: string; value: number | null; onChange: (minutes: number | null) => void; messages: string[]; testId: string }) {
  const { t } = useTranslation(['sla']);
  const help = minutesHelp(value);
  return (
    <Form.Item
      style={{ marginBottom: 0 }}
      validateStatus={messages.length ? 'error' : undefined}
      help={messages.length ? messages.join(' ') : help ? (help.d ? t('help.d', help) : t('help.h', help)) : undefined}
    >
      <InputNumber
        min={1}
        precision={0}
        value={value}
        onChange={(v) => onChange(typeof v === 'number' ? v : null)}
        placeholder={t('policy.none')}
        suffix={t('policy.minutes')}
        aria-label={label}
        data-testid={testId}
      />
    </Form.Item>
  );
}
