import type { ReactNode } from 'react';
import { Button, Checkbox, Form, Input, Select, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { PriorityTag } from '@/components/tags';
import { usePickers, UserMultiSelect } from './pickers';
import { CONDITION_KINDS, FIELD_OPERATORS, REGION_OPERATORS, WEEKDAYS, type Condition, type DraftRule } from './ruleModel';
import styles from '../admin.module.css';

// The condition rows of the routing-rule editor, shared with the SLA policy editor (the same Condition
// kinds pick the tickets a policy covers). Rows read their reference data from PickersContext.

/** Translated texts for a row part: the client's checks (after a save attempt) and the server's messages. */
export type MessagesFor = (part: string) => string[];

export const PRIORITIES: Schemas['Priority'][] = ['low', 'normal', 'high', 'urgent'];
export const CHANNELS: Schemas['Channel'][] = ['web', 'portal', 'api', 'email', 'phone', 'monitoring'];
/** UTC offsets a time window can be written in, whole and half hours. */
const OFFSETS = Array.from({ length: 53 }, (_, i) => (i - 24) * 30).filter((m) => m >= -720 && m <= 840);

function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}


/** One labelled input of a row, with its messages. */
export function Part({ label, part, messages, children, wide }: { label: string; part: string; messages: MessagesFor; children: ReactNode; wide?: boolean }) {
  const list = messages(part);
  return (
    <Form.Item
      label={label}
      validateStatus={list.length ? 'error' : undefined}
      help={list.length ? list.join(' ') : undefined}
      style={wide ? { flexBasis: '100%' } : undefined}
      data-part={part}
    >
      {children}
    </Form.Item>
  );
}

export function RowFrame({
  kindSelect,
  children,
  onRemove,
  removeLabel,
  invalid,
  testId,
  kind,
  rowMessages,
}: {
  kindSelect: ReactNode;
  children: ReactNode;
  onRemove: () => void;
  removeLabel: string;
  invalid: boolean;
  testId: string;
  kind: string;
  rowMessages: string[];
}) {
  return (
    <li className={`${styles.ruleRow} ${invalid ? styles.ruleRowInvalid : ''}`} data-testid={testId} data-kind={kind}>
      <div className={styles.ruleRowGrid}>
        {kindSelect}
        <div className={styles.ruleRowFields}>{children}</div>
        <Button type="text" danger icon={<DeleteOutlined />} aria-label={removeLabel} onClick={onRemove} style={{ marginTop: 30 }} />
      </div>
      {rowMessages.length ? <Typography.Paragraph type="danger">{rowMessages.join(' ')}</Typography.Paragraph> : null}
    </li>
  );
}

export const tagsSelect = { mode: 'tags' as const, tokenSeparators: [',', '，'], open: false, style: { width: '100%' } };

export function ConditionRow({
  index,
  condition,
  rule,
  messages,
  onKind,
  onChange,
  onRemove,
}: {
  index: number;
  condition: Condition;
  /** The list the row belongs to (custom-field choices follow its ticket-type conditions). */
  rule: Pick<DraftRule, 'conditions'>;
  messages: MessagesFor;
  onKind: (kind: Condition['kind']) => void;
  onChange: (condition: Condition) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const pickers = usePickers();
  const invalid = ['', 'kind', ...Object.keys(condition)].some((part) => messages(part).length > 0);
  const kindSelect = (
    <Part label={t('editor.conditionKind', { n: index + 1 })} part="kind" messages={messages}>
      <Select
        value={condition.kind}
        onChange={onKind}
        options={CONDITION_KINDS.map((kind) => ({ value: kind, label: t(`condition.kind.${kind}`) }))}
        data-testid="condition-kind"
      />
    </Part>
  );

  const fields = (): ReactNode => {
    switch (condition.kind) {
      case 'ticket_type':
        return (
          <Part label={t('fields.types')} part="type_ids" messages={messages} wide>
            <Select mode="multiple" value={condition.type_ids} onChange={(type_ids: number[]) => onChange({ ...condition, type_ids })} options={pickers.typeOptions} showSearch={{ optionFilterProp: 'label' }} loading={pickers.loading} />
          </Part>
        );
      case 'priority':
        return (
          <Part label={t('fields.priorities')} part="priorities" messages={messages} wide>
            <Select mode="multiple" value={condition.priorities} onChange={(priorities: Schemas['Priority'][]) => onChange({ ...condition, priorities })} options={PRIORITIES.map((p) => ({ value: p, label: <PriorityTag priority={p} /> }))} />
          </Part>
        );
      case 'channel':
        return (
          <Part label={t('fields.channels')} part="channels" messages={messages} wide>
            <Select mode="multiple" value={condition.channels} onChange={(channels: Schemas['Channel'][]) => onChange({ ...condition, channels })} options={CHANNELS.map((c) => ({ value: c, label: t(`common:channel.${c}`) }))} />
          </Part>
        );
      case 'organization':
        return (
          <Part label={t('fields.organizations')} part="organization_ids" messages={messages} wide>
            <Select mode="multiple" value={condition.organization_ids} onChange={(organization_ids: number[]) => onChange({ ...condition, organization_ids })} options={pickers.organizationOptions} showSearch={{ optionFilterProp: 'label' }} loading={pickers.loading} />
          </Part>
        );
      case 'organization_tier':
        return (
          <Part label={t('fields.tiers')} part="tiers" messages={messages} wide>
            <Select mode="tags" value={condition.tiers} onChange={(tiers: string[]) => onChange({ ...condition, tiers })} options={pickers.tierOptions} tokenSeparators={[',']} style={{ width: '100%' }} data-testid="condition-tiers" />
          </Part>
        );
      case 'requester':
        return (
          <Part label={t('fields.requesters')} part="user_ids" messages={messages} wide>
            <UserMultiSelect value={condition.user_ids} onChange={(user_ids) => onChange({ ...condition, user_ids })} />
          </Part>
        );
      case 'tags':
        return (
          <>
            <Part label={t('fields.tagMode')} part="mode" messages={messages}>
              <Select value={condition.mode} onChange={(mode: Schemas['TagMatch']) => onChange({ ...condition, mode })} options={(['any', 'all'] as const).map((m) => ({ value: m, label: t(`fields.tagModes.${m}`) }))} />
            </Part>
            <Part label={t('fields.tags')} part="tags" messages={messages}>
              <Select {...tagsSelect} value={condition.tags} onChange={(tags: string[]) => onChange({ ...condition, tags })} placeholder={t('fields.typeEnter')} />
            </Part>
          </>
        );
      case 'keywords':
        return (
          <>
            <Part label={t('fields.keywords')} part="keywords" messages={messages}>
              <Select {...tagsSelect} value={condition.keywords} onChange={(keywords: string[]) => onChange({ ...condition, keywords })} placeholder={t('fields.typeEnter')} data-testid="condition-keywords" />
            </Part>
            <Part label={t('fields.scope')} part="scope" messages={messages}>
              <Select value={condition.scope ?? 'subject_or_description'} onChange={(scope: Schemas['KeywordScope']) => onChange({ ...condition, scope })} options={(['subject_or_description', 'subject', 'description'] as const).map((s) => ({ value: s, label: t(`fields.scopes.${s}`) }))} />
            </Part>
          </>
        );
      case 'region':
        return (
          <>
            <Part label={t('fields.regionField')} part="field" messages={messages}>
              <Select
                allowClear
                value={condition.field ?? undefined}
                onChange={(field: string | undefined) => onChange({ ...condition, field: field ?? null })}
                placeholder={t('fields.locationLabel')}
                options={pickers.fieldsOf(typeIdsOf(rule)).filter((f) => f.definition.kind === 'text' || f.definition.kind === 'long_text' || f.definition.kind === 'select').map((f) => ({ value: f.definition.key, label: `${f.definition.label} (${f.definition.key})` }))}
              />
            </Part>
            <Part label={t('fields.operator')} part="operator" messages={messages}>
              <Select value={condition.operator} onChange={(operator: Schemas['RegionOperator']) => onChange({ ...condition, operator })} options={REGION_OPERATORS.map((o) => ({ value: o, label: t(`fields.operators.${o}`) }))} />
            </Part>
            <Part label={t('fields.regionValues')} part="values" messages={messages} wide>
              <Select {...tagsSelect} value={condition.values} onChange={(values: string[]) => onChange({ ...condition, values })} placeholder={t('fields.typeEnter')} />
            </Part>
          </>
        );
      case 'custom_field':
        return <CustomFieldFields condition={condition} rule={rule} messages={messages} onChange={onChange} />;
      case 'time_window':
        return (
          <>
            <Part label={t('fields.from')} part="from" messages={messages}>
              <Input type="time" value={condition.from} onChange={(e) => onChange({ ...condition, from: e.target.value })} />
            </Part>
            <Part label={t('fields.to')} part="to" messages={messages}>
              <Input type="time" value={condition.to} onChange={(e) => onChange({ ...condition, to: e.target.value })} />
            </Part>
            <Part label={t('fields.offset')} part="utc_offset_minutes" messages={messages}>
              <Select value={condition.utc_offset_minutes ?? 480} onChange={(utc_offset_minutes: number) => onChange({ ...condition, utc_offset_minutes })} options={OFFSETS.map((m) => ({ value: m, label: offsetLabel(m) }))} showSearch={{ optionFilterProp: 'label' }} />
            </Part>
            <Part label={t('fields.weekdays')} part="weekdays" messages={messages} wide>
              <Checkbox.Group value={condition.weekdays} onChange={(weekdays) => onChange({ ...condition, weekdays: WEEKDAYS.filter((d) => weekdays.includes(d)) })} options={WEEKDAYS.map((d) => ({ value: d, label: t(`fields.days.${d}`) }))} />
            </Part>
          </>
        );
    }
  };

  return (
    <RowFrame
      kindSelect={kindSelect}
      onRemove={onRemove}
      removeLabel={t('editor.removeCondition', { n: index + 1 })}
      invalid={invalid}
      testId="condition-row"
      kind={condition.kind}
      rowMessages={messages('')}
    >
      {fields()}
    </RowFrame>
  );
}

/** The ticket types a rule is restricted to by its ticket-type conditions (none: every type). */
function typeIdsOf(rule: Pick<DraftRule, 'conditions'>): number[] {
  const lists = rule.conditions.flatMap((row) => (row.condition.kind === 'ticket_type' && row.condition.type_ids.length ? [row.condition.type_ids] : []));
  if (lists.length === 0) return [];
  return lists.reduce((a, b) => a.filter((id) => b.includes(id)));
}

function CustomFieldFields({
  condition,
  rule,
  messages,
  onChange,
}: {
  condition: Extract<Condition, { kind: 'custom_field' }>;
  rule: Pick<DraftRule, 'conditions'>;
  messages: MessagesFor;
  onChange: (condition: Condition) => void;
}) {
  const { t } = useTranslation(['routing', 'admin', 'common']);
  const pickers = usePickers();
  const choices = pickers.fieldsOf(typeIdsOf(rule));
  const chosen = choices.find((c) => c.definition.key === condition.field)?.definition;
  const value = condition.value as string | string[];
  const options = (chosen?.options ?? []).map((o) => ({ value: o, label: o }));
  const setOperator = (operator: Schemas['FieldOperator']) => {
    // `in` holds a list; every other operator one value.
    const next = operator === 'in' ? (Array.isArray(value) ? value : value ? [value] : []) : Array.isArray(value) ? (value[0] ?? '') : value;
    onChange({ ...condition, operator, value: next });
  };
  const single = Array.isArray(value) ? (value[0] ?? '') : value;

  const valueInput = (): ReactNode => {
    if (condition.operator === 'in') {
      return <Select {...tagsSelect} open={options.length ? undefined : false} value={Array.isArray(value) ? value : []} onChange={(next: string[]) => onChange({ ...condition, value: next })} options={options} placeholder={t('fields.typeEnter')} />;
    }
    if (chosen && (chosen.kind === 'select' || chosen.kind === 'multi_select')) {
      return <Select value={single || undefined} onChange={(next: string) => onChange({ ...condition, value: next })} options={options} data-testid="condition-value" />;
    }
    if (chosen?.kind === 'checkbox') {
      return <Select value={single || undefined} onChange={(next: string) => onChange({ ...condition, value: next })} options={[{ value: 'true', label: t('common:form.yes') }, { value: 'false', label: t('common:form.no') }]} />;
    }
    const type = chosen?.kind === 'date' ? 'date' : chosen?.kind === 'number' ? 'number' : 'text';
    return <Input type={type} value={single} onChange={(e) => onChange({ ...condition, value: e.target.value })} data-testid="condition-value" />;
  };

  return (
    <>
      <Part label={t('fields.field')} part="field" messages={messages}>
        <Select
          value={condition.field || undefined}
          onChange={(field: string) => onChange({ ...condition, field, value: condition.operator === 'in' ? [] : '' })}
          options={choices.map((c) => ({ value: c.definition.key, label: `${c.definition.label} (${c.definition.key})`, title: c.typeNames.join(', ') }))}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('fields.fieldPlaceholder')}
          loading={pickers.loading}
          data-testid="condition-field"
        />
      </Part>
      <Part label={t('fields.operator')} part="operator" messages={messages}>
        <Select value={condition.operator} onChange={setOperator} options={FIELD_OPERATORS.map((o) => ({ value: o, label: t(`fields.operators.${o}`) }))} />
      </Part>
      <Part label={t('fields.value')} part="value" messages={messages}>
        {valueInput()}
      </Part>
    </>
  );
}
