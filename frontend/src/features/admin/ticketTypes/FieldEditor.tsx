import { useEffect, useRef, useState, type Dispatch } from 'react';
import { Alert, Button, Checkbox, Empty, Form, Input, Popconfirm, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  FIELD_KINDS,
  MAX_OPTION_CHARS,
  takesOptions,
  type DraftField,
  type FieldAction,
  type FieldPart,
  type FieldProblem,
  type FieldProblems,
} from './fieldEditorModel';
import styles from '../admin.module.css';

export type ServerFieldErrors = Record<string, Partial<Record<FieldPart, string[]>>>;

interface FieldEditorProps {
  fields: DraftField[];
  dispatch: Dispatch<FieldAction>;
  problems: FieldProblems;
  serverErrors: ServerFieldErrors;
  /** After a save attempt every problem shows; before, only those of fields the user has left. */
  showAllProblems: boolean;
}

function useProblemText() {
  const { t } = useTranslation(['admin', 'common']);
  return (problem: FieldProblem): string => {
    switch (problem.code) {
      case 'keyFormat':
        return t('fields.errors.keyFormat');
      case 'keyDuplicate':
        return t('fields.errors.keyDuplicate', { position: problem.position });
      case 'labelRequired':
        return t('fields.errors.labelRequired');
      case 'labelTooLong':
        return t('fields.errors.labelTooLong', { max: problem.max });
      case 'optionsRequired':
        return t('fields.errors.optionsRequired');
      case 'optionsTooMany':
        return t('fields.errors.optionsTooMany', { max: problem.max });
      case 'optionTooLong':
        return t('fields.errors.optionTooLong', { option: problem.option, max: problem.max });
      case 'fieldsTooMany':
        return t('fields.errors.fieldsTooMany', { max: problem.max });
    }
  };
}

/**
 * The custom-field editor of a ticket type: one card per field, in display order, with
 * keyboard-operable up/down buttons (focus stays on the moved field's button).
 */
export function FieldEditor({ fields, dispatch, problems, serverErrors, showAllProblems }: FieldEditorProps) {
  const { t } = useTranslation(['admin', 'common']);
  const problemText = useProblemText();
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [announcement, setAnnouncement] = useState('');
  const pendingFocus = useRef<{ uid: string; by: -1 | 1 } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const addedRef = useRef(false);

  // Moving a row re-inserts its DOM node, which drops focus: put it back on the same control,
  // or on the other arrow when the row reached an end.
  useEffect(() => {
    const pending = pendingFocus.current;
    if (pending) {
      pendingFocus.current = null;
      const row = listRef.current?.querySelector<HTMLElement>(`[data-uid="${pending.uid}"]`);
      const same = row?.querySelector<HTMLButtonElement>(pending.by < 0 ? '[data-move="up"]' : '[data-move="down"]');
      const other = row?.querySelector<HTMLButtonElement>(pending.by < 0 ? '[data-move="down"]' : '[data-move="up"]');
      (same && !same.disabled ? same : other)?.focus();
    }
    if (addedRef.current) {
      addedRef.current = false;
      const inputs = listRef.current?.querySelectorAll<HTMLInputElement>('[data-testid="field-label"]');
      inputs?.[inputs.length - 1]?.focus();
    }
  }, [fields]);

  const touch = (uid: string, part: FieldPart) =>
    setTouched((current) => (current.has(`${uid}.${part}`) ? current : new Set(current).add(`${uid}.${part}`)));

  const messagesFor = (field: DraftField, part: FieldPart): string[] => {
    const server = serverErrors[field.uid]?.[part] ?? [];
    const visible = showAllProblems || touched.has(`${field.uid}.${part}`);
    const client = visible ? (problems.byField[field.uid]?.[part] ?? []).map(problemText) : [];
    return [...new Set([...client, ...server])];
  };

  const move = (field: DraftField, index: number, by: -1 | 1) => {
    pendingFocus.current = { uid: field.uid, by };
    dispatch({ type: 'move', uid: field.uid, by });
    setAnnouncement(
      t('fields.moved', { label: field.label || field.key, position: index + by + 1, count: fields.length }),
    );
  };

  return (
    <section className={styles.section} data-testid="field-editor" aria-labelledby="field-editor-title">
      <Typography.Title level={4} id="field-editor-title">
        {t('fields.title')} <Tag>{fields.length}</Tag>
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('fields.intro')}</Typography.Paragraph>
      {problems.list.length > 0 ? (
        <Alert type="error" showIcon title={problems.list.map(problemText).join(' ')} className={styles.fieldListAlert} />
      ) : null}
      {fields.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fields.empty')} />
      ) : (
        <Form component={false} layout="vertical">
          <ol className={styles.fieldList} ref={listRef}>
            {fields.map((field, index) => (
              <FieldRow
                key={field.uid}
                field={field}
                index={index}
                count={fields.length}
                dispatch={dispatch}
                messagesFor={(part) => messagesFor(field, part)}
                onBlurPart={(part) => touch(field.uid, part)}
                onMove={(by) => move(field, index, by)}
                onRemove={() => {
                  dispatch({ type: 'remove', uid: field.uid });
                  setAnnouncement(t('fields.removed', { label: field.label || field.key }));
                }}
              />
            ))}
          </ol>
        </Form>
      )}
      <Button
        type="dashed"
        block
        icon={<PlusOutlined />}
        className={styles.addField}
        data-testid="add-field"
        onClick={() => {
          addedRef.current = true;
          dispatch({ type: 'add' });
          setAnnouncement(t('fields.added'));
        }}
      >
        {t('fields.add')}
      </Button>
      <div className={styles.visuallyHidden} aria-live="polite" role="status">
        {announcement}
      </div>
    </section>
  );
}

function helpOf(messages: string[]) {
  if (messages.length === 0) return {};
  return {
    validateStatus: 'error' as const,
    help: messages.length === 1 ? messages[0] : <ul className={styles.problemList}>{messages.map((m) => <li key={m}>{m}</li>)}</ul>,
  };
}

function FieldRow({
  field,
  index,
  count,
  dispatch,
  messagesFor,
  onBlurPart,
  onMove,
  onRemove,
}: {
  field: DraftField;
  index: number;
  count: number;
  dispatch: Dispatch<FieldAction>;
  messagesFor: (part: FieldPart) => string[];
  onBlurPart: (part: FieldPart) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const id = (part: string) => `field-${field.uid}-${part}`;
  const name = field.label.trim() || t('fields.untitled', { position: index + 1 });
  const keyMessages = messagesFor('key');
  const labelMessages = messagesFor('label');
  const invalid = keyMessages.length + labelMessages.length + messagesFor('options').length > 0;
  const renamed = field.savedKey !== null && field.key !== field.savedKey;

  const removeButton = (
    <Button
      type="text"
      danger
      size="small"
      icon={<DeleteOutlined />}
      aria-label={t('fields.removeNamed', { label: name })}
      data-testid="remove-field"
      onClick={field.savedKey === null ? onRemove : undefined}
    />
  );

  return (
    <li
      className={`${styles.fieldRow} ${invalid ? styles.fieldRowInvalid : ''}`}
      data-testid="field-row"
      data-key={field.key}
      data-uid={field.uid}
      aria-label={t('fields.rowLabel', { position: index + 1, label: name })}
    >
      <div className={styles.fieldRowHead}>
        <span className={styles.fieldRowTitle}>
          {index + 1}. {name}
        </span>
        <Space size={2}>
          <Tooltip title={t('fields.moveUp')}>
            <Button
              type="text"
              size="small"
              icon={<ArrowUpOutlined />}
              disabled={index === 0}
              onClick={() => onMove(-1)}
              aria-label={t('fields.moveUpNamed', { label: name })}
              data-move="up"
            />
          </Tooltip>
          <Tooltip title={t('fields.moveDown')}>
            <Button
              type="text"
              size="small"
              icon={<ArrowDownOutlined />}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
              aria-label={t('fields.moveDownNamed', { label: name })}
              data-move="down"
            />
          </Tooltip>
          {field.savedKey === null ? (
            removeButton
          ) : (
            // A saved field may hold values on tickets: ask before dropping its definition.
            <Popconfirm
              title={t('fields.removeConfirm', { label: name })}
              description={t('fields.removeDetail')}
              okText={t('fields.remove')}
              okButtonProps={{ danger: true }}
              cancelText={t('common:action.cancel')}
              onConfirm={onRemove}
            >
              {removeButton}
            </Popconfirm>
          )}
        </Space>
      </div>
      <div className={styles.fieldGrid}>
        <Form.Item label={t('fields.label')} htmlFor={id('label')} required {...helpOf(labelMessages)}>
          <Input
            id={id('label')}
            data-testid="field-label"
            value={field.label}
            maxLength={200}
            onChange={(e) => dispatch({ type: 'setLabel', uid: field.uid, label: e.target.value })}
            onBlur={() => onBlurPart('label')}
          />
        </Form.Item>
        <Form.Item
          label={t('fields.key')}
          htmlFor={id('key')}
          required
          tooltip={t('fields.keyHint')}
          {...helpOf(keyMessages)}
          {...(keyMessages.length === 0 && renamed
            ? { validateStatus: 'warning' as const, help: t('fields.keyRenamed', { key: field.savedKey }) }
            : {})}
        >
          <Input
            id={id('key')}
            data-testid="field-key"
            value={field.key}
            maxLength={63}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            onChange={(e) => dispatch({ type: 'setKey', uid: field.uid, key: e.target.value })}
            onBlur={() => onBlurPart('key')}
          />
        </Form.Item>
        <Form.Item label={t('fields.kind')} htmlFor={id('kind')}>
          <Select
            id={id('kind')}
            data-testid="field-kind"
            value={field.kind}
            onChange={(kind) => dispatch({ type: 'setKind', uid: field.uid, kind })}
            options={FIELD_KINDS.map((kind) => ({ value: kind, label: t(`fieldKind.${kind}`) }))}
          />
        </Form.Item>
      </div>
      <div className={styles.fieldFlags}>
        <Checkbox
          data-testid="field-required"
          checked={field.required}
          onChange={(e) => dispatch({ type: 'setRequired', uid: field.uid, required: e.target.checked })}
        >
          {t('fields.required')}
        </Checkbox>
        <Checkbox
          data-testid="field-customer-visible"
          checked={field.customerVisible}
          onChange={(e) => dispatch({ type: 'setCustomerVisible', uid: field.uid, customerVisible: e.target.checked })}
        >
          {t('fields.customerVisible')}
        </Checkbox>
      </div>
      {takesOptions(field.kind) ? (
        <OptionsEditor field={field} dispatch={dispatch} messages={messagesFor('options')} onBlur={() => onBlurPart('options')} />
      ) : null}
    </li>
  );
}

function OptionsEditor({
  field,
  dispatch,
  messages,
  onBlur,
}: {
  field: DraftField;
  dispatch: Dispatch<FieldAction>;
  messages: string[];
  onBlur: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const [draft, setDraft] = useState('');
  const [duplicate, setDuplicate] = useState(false);
  const inputId = `field-${field.uid}-option`;

  const add = () => {
    const option = draft.trim();
    if (!option) return;
    if (field.options.includes(option)) {
      setDuplicate(true);
      return;
    }
    dispatch({ type: 'addOption', uid: field.uid, option });
    setDraft('');
  };

  const shown = duplicate ? [t('fields.errors.optionDuplicate'), ...messages] : messages;
  return (
    <Form.Item
      label={t('fields.options')}
      htmlFor={inputId}
      required
      className={styles.optionsItem}
      {...helpOf(shown)}
    >
      {/* One child: Form.Item drops null children, so the list appearing would remount the input. */}
      <div data-testid="field-options">
        {field.options.length > 0 ? (
          <ul className={styles.optionList} aria-label={t('fields.options')}>
            {field.options.map((option, index) => (
              <li key={option} className={styles.optionItem} data-testid="field-option">
                <span className={styles.optionText}>{option}</span>
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowUpOutlined />}
                  disabled={index === 0}
                  aria-label={t('fields.optionUp', { option })}
                  onClick={() => dispatch({ type: 'moveOption', uid: field.uid, index, by: -1 })}
                />
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={index === field.options.length - 1}
                  aria-label={t('fields.optionDown', { option })}
                  onClick={() => dispatch({ type: 'moveOption', uid: field.uid, index, by: 1 })}
                />
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('fields.removeOption', { option })}
                  onClick={() => dispatch({ type: 'removeOption', uid: field.uid, index })}
                />
              </li>
            ))}
          </ul>
        ) : null}
        <Space.Compact block>
          <Input
            id={inputId}
            data-testid="option-input"
            value={draft}
            maxLength={MAX_OPTION_CHARS}
            placeholder={t('fields.newOption')}
            onChange={(e) => {
              setDraft(e.target.value);
              setDuplicate(false);
            }}
            onPressEnter={(e) => {
              e.preventDefault();
              add();
            }}
            onBlur={onBlur}
          />
          <Button onClick={add} disabled={!draft.trim()} data-testid="add-option" icon={<PlusOutlined />}>
            {t('fields.addOption')}
          </Button>
        </Space.Compact>
      </div>
    </Form.Item>
  );
}
