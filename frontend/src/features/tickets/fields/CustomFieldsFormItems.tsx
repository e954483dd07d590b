import { Form } from 'antd';
import { useTranslation } from 'react-i18next';
import { CustomFieldInput } from './CustomFieldInput';
import { fieldRules } from './fieldRules';
import type { FieldDefinition } from './validateFieldValue';

/** Where custom field values live in a form, and the 422 error key prefix of the API. */
export const CUSTOM_FIELDS = 'custom_fields';

/** The form name of one custom field: ['custom_fields', key]. */
export function customFieldName(key: string): [string, string] {
  return [CUSTOM_FIELDS, key];
}

/**
 * One labelled Form.Item per definition, named ['custom_fields', key], validated like the
 * server validates. Each is wrapped in `data-testid="field-<key>"` (with `data-field-kind`).
 */
export function CustomFieldsFormItems({ definitions, disabled }: { definitions: readonly FieldDefinition[]; disabled?: boolean }) {
  const { t } = useTranslation('ticketForm');
  return (
    <>
      {definitions.map((definition) => (
        <div key={definition.key} data-testid={`field-${definition.key}`} data-field-kind={definition.kind}>
          <Form.Item
            name={customFieldName(definition.key)}
            label={definition.label}
            rules={fieldRules(definition, t)}
            valuePropName="value"
          >
            <CustomFieldInput definition={definition} disabled={disabled} aria-required={definition.required || undefined} />
          </Form.Item>
        </div>
      ))}
    </>
  );
}
