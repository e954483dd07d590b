import { useRef, useState, type DragEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Popconfirm, Switch, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { QueryState } from '@/components/QueryState';
import { ScreenHeader } from '../components';
import { routingKeys, useDeleteRule, useReorderRules, useRoutingRules } from './routingApi';
import { viewToInput } from './ruleModel';
import styles from '../admin.module.css';

type RuleView = Schemas['RoutingRuleView'];

/** `rules` with the one at `from` moved to `to`. */
export function moveRule<T>(rules: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= rules.length || to >= rules.length) return [...rules];
  const next = [...rules];
  const [moved] = next.splice(from, 1);
  if (moved !== undefined) next.splice(to, 0, moved);
  return next;
}

/** Route /admin/routing-rules: the rules in evaluation order; drag (or the arrows) to reorder. */
export function RoutingRulesPage() {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const navigate = useNavigate();
  const rules = useRoutingRules();
  return (
    <>
      <ScreenHeader
        title={t('list.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/admin/routing-rules/new')} data-testid="new-rule">
            {t('list.new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" className={styles.intro}>
          {t('list.intro')}
        </Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={rules} isEmpty={(list) => list.length === 0} empty={<Empty description={t('list.empty')} />}>
        {(list) => <RuleList rules={list} />}
      </QueryState>
    </>
  );
}

function RuleList({ rules }: { rules: RuleView[] }) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const { message } = App.useApp();
  const reorder = useReorderRules();
  const dragged = useRef<number | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const move = (from: number, to: number) => {
    const next = moveRule(rules, from, to);
    if (next.every((rule, i) => rule.id === rules[i]?.id)) return;
    const rule = rules[from];
    setAnnouncement(t('list.moved', { name: rule?.name, position: to + 1, count: rules.length }));
    reorder.mutate(next, {
      onError: (error) => void message.error(error instanceof ApiProblem ? error.detail || error.title : t('common:state.error')),
    });
  };

  const onDrop = (event: DragEvent, index: number) => {
    event.preventDefault();
    const from = dragged.current;
    dragged.current = null;
    setDragging(null);
    setOver(null);
    if (from !== null) move(from, index);
  };

  return (
    <>
      <ol className={styles.ruleList} data-testid="rule-list">
        {rules.map((rule, index) => (
          <li
            key={rule.id}
            className={[
              styles.ruleItem,
              rule.enabled ? '' : styles.ruleItemDisabled,
              dragging === index ? styles.ruleItemDragging : '',
              over === index && dragging !== null && dragging !== index ? styles.ruleItemOver : '',
            ].join(' ')}
            draggable
            onDragStart={(event) => {
              dragged.current = index;
              setDragging(index);
              event.dataTransfer.effectAllowed = 'move';
              event.dataTransfer.setData('text/plain', String(rule.id));
            }}
            onDragEnd={() => {
              dragged.current = null;
              setDragging(null);
              setOver(null);
            }}
            onDragOver={(event) => {
              event.preventDefault();
              event.dataTransfer.dropEffect = 'move';
              if (over !== index) setOver(index);
            }}
            onDrop={(event) => onDrop(event, index)}
            data-testid="rule-row"
            data-name={rule.name}
          >
            <span className={styles.dragHandle} aria-hidden title={t('list.drag')}>
              <HolderOutlined />
            </span>
            <span className={styles.rulePosition}>{index + 1}</span>
            <div className={styles.ruleMain}>
              <Link to={`/admin/routing-rules/${rule.id}`} className={styles.ruleName}>
                {rule.name}
              </Link>
              <RuleSummary rule={rule} />
            </div>
            <div className={styles.ruleControls}>
              <EnabledSwitch rule={rule} />
              <Button
                size="small"
                type="text"
                icon={<ArrowUpOutlined />}
                disabled={index === 0 || reorder.isPending}
                aria-label={t('list.moveUp', { name: rule.name })}
                onClick={() => move(index, index - 1)}
                data-move="up"
              />
              <Button
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                disabled={index === rules.length - 1 || reorder.isPending}
                aria-label={t('list.moveDown', { name: rule.name })}
                onClick={() => move(index, index + 1)}
                data-move="down"
              />
              <DeleteButton rule={rule} />
            </div>
          </li>
        ))}
      </ol>
      <div className={styles.visuallyHidden} aria-live="polite" role="status">
        {announcement}
      </div>
    </>
  );
}

/** "Conditions: tier, keywords → group, assign (least loaded)". */
function RuleSummary({ rule }: { rule: RuleView }) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const conditions = rule.conditions.map((c) => t(`condition.kind.${c.kind}`));
  const actions = rule.actions.map((a) =>
    a.kind === 'assign' ? `${t('action.kind.assign')} (${t(`strategy.${a.strategy.kind}`)})` : t(`action.kind.${a.kind}`),
  );
  return (
    <div className={styles.rowMeta}>
      {rule.enabled ? null : <Tag>{t('list.disabled')}</Tag>}
      {rule.continue_matching ? <Tag color="blue">{t('list.continues')}</Tag> : null}
      <span className={styles.secondary}>
        {conditions.length ? conditions.join(t('list.and')) : t('list.always')} → {actions.join(', ')}
      </span>
    </div>
  );
}

function EnabledSwitch({ rule }: { rule: RuleView }) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const { message } = App.useApp();
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      unwrap(api.PUT('/api/v1/routing-rules/{id}', { params: { path: { id: rule.id } }, body: { ...viewToInput(rule), enabled } })),
    onSuccess: (saved) => {
      client.setQueryData<RuleView[]>(routingKeys.rules, (list) => list?.map((r) => (r.id === saved.id ? saved : r)));
      client.setQueryData(routingKeys.rule(saved.id), saved);
      void message.success(saved.enabled ? t('list.enabledNow', { name: saved.name }) : t('list.disabledNow', { name: saved.name }));
    },
    onError: (error) => void message.error(error instanceof ApiProblem ? error.detail || error.title : t('common:state.error')),
  });
  return (
    <Switch
      size="small"
      checked={toggle.isPending ? toggle.variables : rule.enabled}
      loading={toggle.isPending}
      onChange={(enabled) => toggle.mutate(enabled)}
      aria-label={t('list.enable', { name: rule.name })}
      data-testid="rule-enabled"
    />
  );
}

function DeleteButton({ rule }: { rule: RuleView }) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const { message } = App.useApp();
  const remove = useDeleteRule();
  return (
    <Popconfirm
      title={t('list.deleteConfirm', { name: rule.name })}
      okText={t('common:action.delete')}
      cancelText={t('common:action.cancel')}
      okButtonProps={{ danger: true, loading: remove.isPending }}
      onConfirm={() =>
        remove.mutateAsync(rule.id).then(
          () => void message.success(t('list.deleted', { name: rule.name })),
          (error: unknown) => void message.error(error instanceof ApiProblem ? error.detail || error.title : t('common:state.error')),
        )
      }
    >
      <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('list.delete', { name: rule.name })} />
    </Popconfirm>
  );
}
