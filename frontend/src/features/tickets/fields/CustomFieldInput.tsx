import { Checkbox, DatePicker, Grid, Input, InputNumber, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { UserSelect } from './UserSelect';
import { isValidDate, type FieldDefinition } from './validateFieldValue';

export interface CustomFieldInputProps {
  definition: FieldDefinition;
  /** The wire value (as in TicketView.custom_fields); undefined when unset. */
  value?: unknown;
  /** Called with the new wire value; null when cleared. */
  onChange?: (value: unknown) => void;
  /** Given to the focusable element so a <label htmlFor> names it (antd Form.Item passes it). */
  id?: string;
  disabled?: boolean;
  /** antd Form.Item passes 'error' while the field is invalid. */
  status?: '' | 'error' | 'warning';
  'aria-required'?: boolean;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

const DATE_FORMAT = 'YYYY-MM-DD';
const DATETIME_FORMAT = 'YYYY-MM-DD HH:mm';
const NATIVE_DATETIME_FORMAT = 'YYYY-MM-DDTHH:mm';

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function asDate(value: unknown): Dayjs | null {
  return typeof value === 'string' && isValidDate(value) ? dayjs(value) : null;
}

function asDateTime(value: unknown): Dayjs | null {
  if (typeof value !== 'string' || value === '') return null;
  const parsed = dayjs(value);
  return parsed.isValid() ? parsed : null;
}

/**
 * One input for one custom field, chosen by its kind. It reads and writes wire values, so
 * it works the same in the create form, in ticket editing and with `validateFieldValue`.
 */
export function CustomFieldInput({ definition, value, onChange, id, disabled, status, ...aria }: CustomFieldInputProps) {
  const { t } = useTranslation('ticketForm');
  const { t: tCommon } = useTranslation();
  // antd's date-time panel is wider than a phone; phones get their own native pickers instead.
  const mobile = !Grid.useBreakpoint().md;
  const options = (definition.options ?? []).map((option) => ({ value: option, label: option }));
  const change = (next: unknown) => onChange?.(next);
  const common = { id, disabled, status, ...aria };

  switch (definition.kind) {
    case 'text':
      return <Input {...common} value={asString(value)} onChange={(e) => change(e.target.value)} autoComplete="off" />;
    case 'long_text':
      return (
        <Input.TextArea
          {...common}
          value={asString(value)}
          onChange={(e) => change(e.target.value)}
          autoSize={{ minRows: 3, maxRows: 12 }}
        />
      );
    case 'number':
      return (
        <InputNumber
          {...common}
          value={typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? value : null}
          onChange={(next) => change(next ?? null)}
          inputMode="decimal"
          style={{ width: '100%' }}
        />
      );
    case 'date':
      if (mobile) {
        return (
          <Input
            {...common}
            type="date"
            value={asDate(value)?.format(DATE_FORMAT) ?? ''}
            onChange={(e) => change(e.target.value || null)}
          />
        );
      }
      return (
        <DatePicker
          {...common}
          value={asDate(value)}
          onChange={(next: Dayjs | null) => change(next ? next.format(DATE_FORMAT) : null)}
          format={DATE_FORMAT}
          placeholder={t('field.date')}
          style={{ width: '100%' }}
        />
      );
    case 'datetime':
      if (mobile) {
        const local = asDateTime(value);
        return (
          <Input
            {...common}
            type="datetime-local"
            value={local ? local.format(NATIVE_DATETIME_FORMAT) : ''}
            onChange={(e) => {
              const next = e.target.value ? dayjs(e.target.value) : null;
              change(next?.isValid() ? next.second(0).millisecond(0).format() : null);
            }}
          />
        );
      }
      return (
        <DatePicker
          {...common}
          showTime={{ format: 'HH:mm' }}
          value={asDateTime(value)}
          // Local time with its offset, e.g. 2026-10-01T09:30:00+08:00 (RFC 3339).
          onChange={(next: Dayjs | null) => change(next ? next.second(0).millisecond(0).format() : null)}
          format={DATETIME_FORMAT}
          placeholder={t('field.datetime')}
          style={{ width: '100%' }}
        />
      );
    case 'select':
      return (
        <Select<string>
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(next) => change(next ?? null)}
          options={options}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('field.choose')}
          style={{ width: '100%' }}
        />
      );
    case 'multi_select':
      return (
        <Select<string[]>
          {...common}
          mode="multiple"
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(next) => change(next)}
          options={options}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('field.chooseMany')}
          style={{ width: '100%' }}
        />
      );
    case 'checkbox':
      return (
        <Checkbox id={id} disabled={disabled} checked={value === true} onChange={(e) => change(e.target.checked)} {...aria}>
          {tCommon('form.yes')}
        </Checkbox>
      );
    case 'user':
      return (
        <UserSelect
          {...common}
          kind="staff"
          value={typeof value === 'number' ? value : null}
          onChange={(next) => change(next)}
        />
      );
    case 'email':
      return (
        <Input {...common} value={asString(value)} onChange={(e) => change(e.target.value)} inputMode="email" autoComplete="off" />
      );
    case 'phone':
      return <Input {...common} type="tel" value={asString(value)} onChange={(e) => change(e.target.value)} autoComplete="off" />;
    case 'url':
      return (
        <Input
          {...common}
          value={asString(value)}
          onChange={(e) => change(e.target.value)}
          inputMode="url"
          placeholder={t('field.url')}
          autoComplete="off"
        />
      );
  }
}
