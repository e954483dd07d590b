import { Link, useNavigate } from 'react-router-dom';
import { App, Button, Card, Switch, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { QueryState } from '@/components/QueryState';
import { ScreenHeader } from '../components';
import { minutesHelp, PRIORITIES } from './policyModel';
import { policyViewToInput, useCalendars, useDeletePolicy, usePolicies, useSavePolicy, useSwapPolicies, type PolicyView } from './slaApi';
import styles from '../admin.module.css';
import sla from './sla.module.css';

const problemText = (error: unknown, fallback: string) => (error instanceof ApiProblem ? error.detail || error.title : fallback);

/** /admin/sla-policies: the policies in selection order, with arrows to reorder and a switch each. */
export function SlaPoliciesPage() {
  const { t } = useTranslation(['sla', 'common']);
  const navigate = useNavigate();
  const policies = usePolicies();
  const swap = useSwapPolicies();
  const { message } = App.useApp();
  const move = (list: PolicyView[], index: number, by: -1 | 1) => {
    const a = list[index];
    const b = list[index + by];
    if (!a || !b) return;
    // The upper of the two gets the lower position.
    const [upper, lower] = by === -1 ? [b, a] : [a, b];
    swap.mutate([upper, lower], {
      onSuccess: () => void message.success(t('policies.moved')),
      onError: (error) => void message.error(problemText(error, t('common:state.error'))),
    });
  };
  return (
    <>
      <ScreenHeader
        title={t('policies.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/admin/sla-policies/new')} data-testid="new-policy">
            {t('policies.new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('policies.intro')}</Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={policies} isEmpty={(list) => list.length === 0} empty={<Typography.Paragraph>{t('policies.empty')}</Typography.Paragraph>}>
        {(list) => (
          <ol className={styles.rowList} data-testid="policy-list">
            {list.map((policy, index) => (
              <PolicyItem
                key={policy.id}
                policy={policy}
                first={index === 0}
                last={index === list.length - 1}
                busy={swap.isPending}
                onUp={() => move(list, index, -1)}
                onDown={() => move(list, index, 1)}
              />
            ))}
          </ol>
        )}
      </QueryState>
    </>
  );
}

function PolicyItem({ policy, first, last, busy, onUp, onDown }: { policy: PolicyView; first: boolean; last: boolean; busy: boolean; onUp: () => void; onDown: () => void }) {
  const { t } = useTranslation(['sla', 'common']);
  const { message, modal } = App.useApp();
  const calendars = useCalendars();
  const save = useSavePolicy(policy.id);
  const remove = useDeletePolicy();
  const calendar = policy.calendar_id ? (calendars.data?.find((c) => c.id === policy.calendar_id)?.name ?? `#${policy.calendar_id}`) : t('policies.calendar24');
  const urgent = policy.targets.urgent?.resolution_minutes ?? null;
  const help = minutesHelp(urgent);
  const onDelete = () =>
    modal.confirm({
      title: t('policies.deleteConfirm', { name: policy.name }),
      content: t('policies.deleteHint'),
      okText: t('common:action.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      onOk: () =>
        remove.mutateAsync(policy.id).then(
          () => void message.success(t('policies.deleted', { name: policy.name })),
          (error: unknown) => void message.error(problemText(error, t('common:state.error'))),
        ),
    });
  return (
    <li data-testid="policy-item" data-name={policy.name}>
      <Card size="small">
        <div className={sla.policyRow}>
          <div>
            <Link to={`/admin/sla-policies/${policy.id}`}>
              <strong>{policy.name}</strong>
            </Link>{' '}
            {policy.enabled ? null : <Tag>{t('policies.disabled')}</Tag>}
            <div className={sla.policyMeta}>
              <Tag>{policy.conditions.length ? t('policies.conditions', { count: policy.conditions.length }) : t('policies.allTickets')}</Tag>
              <Tag>{calendar}</Tag>
              {PRIORITIES.filter((p) => policy.targets[p]?.resolution_minutes).slice(0, 1).map((p) => (
                <Tag key={p} color="red">
                  {t(`common:priority.${p}`)} {help ? `${help.d ? `${help.d}d ` : ''}${help.h}h${help.m ? ` ${help.m}m` : ''}` : ''}
                </Tag>
              ))}
            </div>
          </div>
          <div>
            <Switch
              size="small"
              checked={policy.enabled}
              loading={save.isPending}
              aria-label={t('policies.toggle', { name: policy.name })}
              onChange={(enabled) =>
                save.mutate({ ...policyViewToInput(policy), enabled }, { onError: (error) => void message.error(problemText(error, t('common:state.error'))) })
              }
            />
            <Button type="text" icon={<ArrowUpOutlined />} disabled={first || busy} aria-label={t('policies.up', { name: policy.name })} onClick={onUp} />
            <Button type="text" icon={<ArrowDownOutlined />} disabled={last || busy} aria-label={t('policies.down', { name: policy.name })} onClick={onDown} />
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('policies.delete', { name: policy.name })} onClick={onDelete} />
          </div>
        </div>
      </Card>
    </li>
  );
}
