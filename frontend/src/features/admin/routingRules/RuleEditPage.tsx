import { useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { App, Breadcrumb, Button, Card, Empty, Form, Input, InputNumber, Select, Skeleton, Switch, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { NotFound } from '@/app/NotFound';
import { ProblemAlert } from '@/components/ProblemAlert';
import { PriorityTag } from '@/components/tags';
import { FormProblem, ScreenHeader } from '../components';
import { SkillsInput } from '../SkillsInput';
import { PickersContext, useLoadPickers, usePickers } from './pickers';
import { useDeleteRule, useRoutingRule, useRoutingRules, useSaveRule } from './routingApi';
import {
  ACTION_KINDS,
  checkRule,
  fromRuleView,
  newRule,
  placeErrors,
  rowOrder,
  ruleReducer,
  STRATEGY_KINDS,
  toRuleInput,
  defaultStrategy,
  type Action,
  type PlacedErrors,
  type RuleAction,
  type RuleProblem,
  type RuleView,
} from './ruleModel';
import { RuleTestBox } from './RuleTestBox';
import { ConditionRow, Part, PRIORITIES, RowFrame, tagsSelect, type MessagesFor } from './ConditionRows';
import styles from '../admin.module.css';

/** /admin/routing-rules/new and /admin/routing-rules/:id. */
export function RuleEditPage() {
  const { id } = useParams();
  const numericId = id === 'new' ? null : Number(id);
  if (numericId !== null && !(Number.isInteger(numericId) && numericId > 0)) return <NotFound />;
  return <RuleLoader key={id} id={numericId} />;
}

function RuleLoader({ id }: { id: number | null }) {
  const rule = useRoutingRule(id);
  const pickers = useLoadPickers();
  if (id !== null && rule.isPending) return <Skeleton active />;
  if (id !== null && rule.isError) {
    if (rule.error instanceof ApiProblem && rule.error.status === 404) return <NotFound />;
    return <ProblemAlert error={rule.error} onRetry={() => void rule.refetch()} />;
  }
  return (
    <PickersContext.Provider value={pickers}>
      <RuleEditor rule={id === null ? null : (rule.data ?? null)} />
    </PickersContext.Provider>
  );
}


function RuleEditor({ rule }: { rule: RuleView | null }) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const pickers = usePickers();
  const saved = useRoutingRules();
  const save = useSaveRule(rule?.id ?? null);
  const remove = useDeleteRule();
  const [draft, dispatch] = useReducer(ruleReducer, rule, (initial) => (initial ? fromRuleView(initial) : newRule()));
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(toRuleInput(rule ? fromRuleView(rule) : newRule())));
  const [attempted, setAttempted] = useState(false);
  const [server, setServer] = useState<PlacedErrors<string> | null>(null);
  const [problem, setProblem] = useState<unknown>(null);

  const input = useMemo(() => toRuleInput(draft, pickers.fieldKinds), [draft, pickers.fieldKinds]);
  const dirty = JSON.stringify(toRuleInput(draft)) !== savedJson;
  const client = useMemo(() => placeErrors(checkRule(draft), rowOrder(draft)), [draft]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const problemText = (code: RuleProblem) => t(`errors.${code}`);
  const messages = (list: 'conditions' | 'actions' | null, uid: string, part: string): string[] => {
    const mine = list ? client[list][uid]?.[part] : client.rule[part];
    const theirs = list ? server?.[list][uid]?.[part] : server?.rule[part];
    return [...new Set([...(attempted ? (mine ?? []).map(problemText) : []), ...(theirs ?? [])])];
  };

  // Editing a row drops the server's complaints about it; the next save asks again.
  const edit = (action: RuleAction) => {
    if ('uid' in action && server) {
      const drop = (rows: PlacedErrors<string>['conditions']) => Object.fromEntries(Object.entries(rows).filter(([uid]) => uid !== action.uid));
      setServer({ ...server, conditions: drop(server.conditions), actions: drop(server.actions) });
    }
    if (action.type === 'setName' && server?.rule.name) setServer({ ...server, rule: { ...server.rule, name: [] } });
    dispatch(action);
  };

  /** Server errors for the draft, from a save (no prefix) or a test (`rules[i].`); returns whether any found a place. */
  const showServerErrors = (errors: Record<string, string[]>, prefix = ''): Record<string, string[]> => {
    const placed = placeErrors(errors, rowOrder(draft), prefix);
    setServer(placed);
    return placed.rest;
  };

  const submit = () => {
    setAttempted(true);
    setProblem(null);
    if (Object.keys(checkRule(draft)).length > 0) {
      void message.error(t('editor.fixErrors'));
      return;
    }
    save.mutate(input, {
      onSuccess: (result) => {
        void message.success(rule ? t('editor.saved', { name: result.name }) : t('editor.created', { name: result.name }));
        setServer(null);
        setAttempted(false);
        if (!rule) {
          void navigate(`/admin/routing-rules/${result.id}`, { replace: true });
          return;
        }
        const fresh = fromRuleView(result);
        dispatch({ type: 'reset', rule: fresh });
        setSavedJson(JSON.stringify(toRuleInput(fresh)));
      },
      onError: (error) => {
        if (error instanceof ApiProblem && error.status === 422) {
          const rest = showServerErrors(error.errors);
          if (Object.keys(rest).length > 0) setProblem(new ApiProblem(422, { ...error.body, errors: rest }));
          void message.error(t('editor.fixErrors'));
        } else {
          setProblem(error);
        }
      },
    });
  };

  const onDelete = () =>
    rule &&
    modal.confirm({
      title: t('list.deleteConfirm', { name: rule.name }),
      okText: t('common:action.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      onOk: () =>
        remove.mutateAsync(rule.id).then(
          () => {
            void message.success(t('list.deleted', { name: rule.name }));
            void navigate('/admin/routing-rules', { replace: true });
          },
          (error: unknown) => setProblem(error),
        ),
    });

  const title = rule ? rule.name : t('editor.new');
  const nameMessages = messages(null, '', 'name');
  const listMessages = (list: 'conditions' | 'actions') => messages(null, '', list);

  return (
    <>
      <Breadcrumb className={styles.breadcrumb} items={[{ title: <Link to="/admin/routing-rules">{t('list.title')}</Link> }, { title }]} />
      <ScreenHeader title={title} extra={rule && !rule.enabled ? <Tag>{t('list.disabled')}</Tag> : null} />
      <Card size="small" title={t('editor.basics')}>
        <Form layout="vertical" component={false}>
          <Form.Item
            label={t('editor.name')}
            required
            validateStatus={nameMessages.length ? 'error' : undefined}
            help={nameMessages.length ? nameMessages.join(' ') : undefined}
            htmlFor="rule-name"
          >
            <Input
              id="rule-name"
              value={draft.name}
              maxLength={200}
              onChange={(e) => edit({ type: 'setName', name: e.target.value })}
              placeholder={t('editor.namePlaceholder')}
              data-testid="rule-name"
            />
          </Form.Item>
          <div className={styles.fieldFlags}>
            <Form.Item label={t('editor.enabled')} extra={t('editor.enabledHint')}>
              <Switch checked={draft.enabled} onChange={(enabled) => edit({ type: 'setEnabled', enabled })} aria-label={t('editor.enabled')} />
            </Form.Item>
            <Form.Item label={t('editor.continue')} extra={t('editor.continueHint')}>
              <Switch
                checked={draft.continueMatching}
                onChange={(continueMatching) => edit({ type: 'setContinue', continueMatching })}
                aria-label={t('editor.continue')}
              />
            </Form.Item>
          </div>
        </Form>
      </Card>

      <section className={styles.section} data-testid="conditions" aria-labelledby="rule-conditions">
        <Typography.Title level={4} id="rule-conditions">
          {t('editor.conditions')} <Tag>{draft.conditions.length}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('editor.conditionsIntro')}</Typography.Paragraph>
        {listMessages('conditions').length ? <Typography.Text type="danger">{listMessages('conditions').join(' ')}</Typography.Text> : null}
        {draft.conditions.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('editor.noConditions')} />
        ) : (
          <Form component={false} layout="vertical">
            <ol className={styles.rowList}>
              {draft.conditions.map((row, index) => (
                <ConditionRow
                  key={row.uid}
                  index={index}
                  condition={row.condition}
                  rule={draft}
                  messages={(part) => messages('conditions', row.uid, part)}
                  onKind={(kind) => edit({ type: 'setConditionKind', uid: row.uid, kind })}
                  onChange={(condition) => edit({ type: 'updateCondition', uid: row.uid, condition })}
                  onRemove={() => edit({ type: 'removeCondition', uid: row.uid })}
                />
              ))}
            </ol>
          </Form>
        )}
        <Button type="dashed" block icon={<PlusOutlined />} className={styles.addField} onClick={() => edit({ type: 'addCondition' })} data-testid="add-condition">
          {t('editor.addCondition')}
        </Button>
      </section>

      <section className={styles.section} data-testid="actions" aria-labelledby="rule-actions">
        <Typography.Title level={4} id="rule-actions">
          {t('editor.actions')} <Tag>{draft.actions.length}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('editor.actionsIntro')}</Typography.Paragraph>
        {listMessages('actions').length ? <Typography.Text type="danger">{listMessages('actions').join(' ')}</Typography.Text> : null}
        <Form component={false} layout="vertical">
          <ol className={styles.rowList}>
            {draft.actions.map((row, index) => (
              <ActionRow
                key={row.uid}
                index={index}
                action={row.action}
                messages={(part) => messages('actions', row.uid, part)}
                onKind={(kind) => edit({ type: 'setActionKind', uid: row.uid, kind })}
                onChange={(action) => edit({ type: 'updateAction', uid: row.uid, action })}
                onRemove={() => edit({ type: 'removeAction', uid: row.uid })}
              />
            ))}
          </ol>
        </Form>
        <Button type="dashed" block icon={<PlusOutlined />} className={styles.addField} onClick={() => edit({ type: 'addAction' })} data-testid="add-action">
          {t('editor.addAction')}
        </Button>
      </section>

      <RuleTestBox
        draft={input}
        saved={saved.data ?? []}
        editingId={rule?.id ?? null}
        onDraftErrors={(errors, prefix) => {
          setAttempted(true);
          return showServerErrors(errors, prefix);
        }}
      />

      {problem ? (
        <div className={styles.section}>
          <FormProblem error={problem} />
        </div>
      ) : null}

      <div className={styles.stickyActions}>
        {dirty ? <Tag color="orange">{t('editor.unsaved')}</Tag> : null}
        {rule ? (
          <Button danger icon={<DeleteOutlined />} onClick={onDelete}>
            {t('common:action.delete')}
          </Button>
        ) : null}
        <Button onClick={() => void navigate('/admin/routing-rules')}>{t('common:action.back')}</Button>
        <Button type="primary" onClick={submit} loading={save.isPending} data-testid="save-rule">
          {rule ? t('common:action.save') : t('common:action.create')}
        </Button>
      </div>
    </>
  );
}

function ActionRow({
  index,
  action,
  messages,
  onKind,
  onChange,
  onRemove,
}: {
  index: number;
  action: Action;
  messages: MessagesFor;
  onKind: (kind: Action['kind']) => void;
  onChange: (action: Action) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const pickers = usePickers();
  const parts = ['', 'kind', ...Object.keys(action), 'strategy.user_id', 'strategy.then'];
  const invalid = parts.some((part) => messages(part).length > 0);
  const kindSelect = (
    <Part label={t('editor.actionKind', { n: index + 1 })} part="kind" messages={messages}>
      <Select value={action.kind} onChange={onKind} options={ACTION_KINDS.map((kind) => ({ value: kind, label: t(`action.kind.${kind}`) }))} data-testid="action-kind" />
    </Part>
  );

  const fields = (): ReactNode => {
    switch (action.kind) {
      case 'set_group':
        return (
          <Part label={t('fields.group')} part="group_id" messages={messages} wide>
            <Select value={action.group_id || undefined} onChange={(group_id: number) => onChange({ ...action, group_id })} options={pickers.groupOptions} showSearch={{ optionFilterProp: 'label' }} placeholder={t('fields.groupPlaceholder')} loading={pickers.loading} data-testid="action-group" />
          </Part>
        );
      case 'set_priority':
        return (
          <Part label={t('fields.priority')} part="priority" messages={messages} wide>
            <Select value={action.priority} onChange={(priority: Schemas['Priority']) => onChange({ ...action, priority })} options={PRIORITIES.map((p) => ({ value: p, label: <PriorityTag priority={p} /> }))} />
          </Part>
        );
      case 'add_tags':
        return (
          <Part label={t('fields.tags')} part="tags" messages={messages} wide>
            <Select {...tagsSelect} value={action.tags} onChange={(tags: string[]) => onChange({ ...action, tags })} placeholder={t('fields.typeEnter')} />
          </Part>
        );
      case 'require_skills':
        return (
          <Part label={t('fields.skills')} part="skills" messages={messages} wide>
            <SkillsInput
              value={action.skills.map((s) => ({ name: s.name, level: s.min_level ?? null }))}
              onChange={(skills) => onChange({ ...action, skills: skills.map((s) => ({ name: s.name, min_level: s.level ?? null })) })}
              suggestions={pickers.skillNames}
              levelLabel={t('admin:skills.minLevel')}
            />
          </Part>
        );
      case 'assign': {
        const strategy = action.strategy;
        return (
          <>
            <Part label={t('fields.strategy')} part="strategy" messages={messages}>
              <Select
                value={strategy.kind}
                onChange={(kind: Schemas['AssignStrategy']['kind']) => onChange({ ...action, strategy: defaultStrategy(kind) })}
                options={STRATEGY_KINDS.map((kind) => ({ value: kind, label: t(`strategy.${kind}`), title: t(`strategyHint.${kind}`) }))}
                optionRender={(option) => (
                  <div>
                    {option.label}
                    <span className={styles.secondary}>{t(`strategyHint.${option.value as Schemas['AssignStrategy']['kind']}`)}</span>
                  </div>
                )}
                data-testid="action-strategy"
              />
            </Part>
            {strategy.kind === 'named_agent' ? (
              <Part label={t('fields.agent')} part="strategy.user_id" messages={messages}>
                <Select value={strategy.user_id || undefined} onChange={(user_id: number) => onChange({ ...action, strategy: { ...strategy, user_id } })} options={pickers.agentOptions} showSearch={{ optionFilterProp: 'label' }} placeholder={t('fields.agentPlaceholder')} loading={pickers.loading} />
              </Part>
            ) : null}
            {strategy.kind === 'skills' ? (
              <Part label={t('fields.then')} part="strategy.then" messages={messages}>
                <Select value={strategy.then ?? 'least_loaded'} onChange={(then: Schemas['SkillsThen']) => onChange({ ...action, strategy: { ...strategy, then } })} options={(['least_loaded', 'round_robin'] as const).map((k) => ({ value: k, label: t(`strategy.${k}`) }))} />
              </Part>
            ) : null}
            <Part label={t('fields.acceptWithin')} part="accept_within_minutes" messages={messages}>
              <InputNumber
                min={1}
                precision={0}
                value={action.accept_within_minutes ?? null}
                onChange={(minutes) => onChange({ ...action, accept_within_minutes: typeof minutes === 'number' ? minutes : null })}
                placeholder={t('fields.noDeadline')}
                suffix={t('fields.minutes')}
                style={{ width: '100%' }}
              />
            </Part>
          </>
        );
      }
    }
  };

  return (
    <RowFrame
      kindSelect={kindSelect}
      onRemove={onRemove}
      removeLabel={t('editor.removeAction', { n: index + 1 })}
      invalid={invalid}
      testId="action-row"
      kind={action.kind}
      rowMessages={messages('')}
    >
      {fields()}
    </RowFrame>
  );
}
