import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button, Form } from 'antd';
import { renderWithProviders } from '@/test/render';
import { CustomFieldsFormItems } from './CustomFieldsFormItems';
import type { FieldDefinition, FieldKind } from './validateFieldValue';

const KINDS: FieldKind[] = ['text', 'long_text', 'number', 'date', 'datetime', 'select', 'multi_select', 'checkbox', 'user', 'email', 'phone', 'url'];

function definition(kind: FieldKind, required: boolean): FieldDefinition {
  return {
    key: `k_${kind}`,
    label: `Label ${kind}`,
    kind,
    required,
    options: kind === 'select' || kind === 'multi_select' ? ['Red', 'Green'] : [],
    customer_visible: true,
  };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  // The user field searches staff.
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => json(200, { items: [], next_cursor: null })),
  );
});
afterEach(() => vi.unstubAllGlobals());

function Harness({ definitions, onFinish }: { definitions: FieldDefinition[]; onFinish: (values: unknown) => void }) {
  return (
    <Form layout="vertical" onFinish={onFinish}>
      <CustomFieldsFormItems definitions={definitions} />
      <Button htmlType="submit">go</Button>
    </Form>
  );
}

describe('CustomFieldsFormItems', () => {
  it('renders one labelled input per field definition, with required marks', () => {
    const definitions = KINDS.map((kind, i) => definition(kind, i % 2 === 0));
    renderWithProviders(<Harness definitions={definitions} onFinish={() => {}} />);

    for (const def of definitions) {
      const wrapper = screen.getByTestId(`field-${def.key}`);
      expect(wrapper).toHaveAttribute('data-field-kind', def.kind);
      // The label names a focusable control (label htmlFor → id).
      const control = screen.getByLabelText(def.label);
      expect(wrapper).toContainElement(control);
      const label = within(wrapper).getByText(def.label).closest('label');
      expect(label).not.toBeNull();
      if (def.required) expect(label).toHaveClass('ant-form-item-required');
      else expect(label).not.toHaveClass('ant-form-item-required');
    }
    expect(screen.getAllByTestId(/^field-/)).toHaveLength(KINDS.length);
  }, 20_000); // the first antd render in a worker is slow (styles are generated)

  it('uses the right kind of control', () => {
    const definitions = KINDS.map((kind) => definition(kind, false));
    renderWithProviders(<Harness definitions={definitions} onFinish={() => {}} />);
    expect(screen.getByLabelText('Label long_text').tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText('Label checkbox')).toHaveAttribute('type', 'checkbox');
    expect(screen.getByLabelText('Label select')).toHaveAttribute('role', 'combobox');
    expect(screen.getByLabelText('Label multi_select')).toHaveAttribute('role', 'combobox');
    expect(screen.getByLabelText('Label user')).toHaveAttribute('role', 'combobox');
    expect(screen.getByLabelText('Label phone')).toHaveAttribute('type', 'tel');
    expect(screen.getByLabelText('Label email')).toHaveAttribute('inputmode', 'email');
  });

  it('blocks submission while a required field is missing, and submits once it is filled', async () => {
    const user = userEvent.setup({ delay: null });
    const onFinish = vi.fn();
    const definitions = [definition('text', true), definition('number', false)];
    renderWithProviders(<Harness definitions={definitions} onFinish={onFinish} />);

    await user.click(screen.getByRole('button', { name: 'go' }));
    const wrapper = screen.getByTestId('field-k_text');
    expect(await within(wrapper).findByText('Label text is required')).toBeInTheDocument();
    expect(onFinish).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText('Label text'), 'AC-3-0412');
    await user.click(screen.getByRole('button', { name: 'go' }));
    await waitFor(() => expect(onFinish).toHaveBeenCalledTimes(1));
    expect(onFinish.mock.calls[0]?.[0]).toEqual({ custom_fields: { k_text: 'AC-3-0412' } });
  });

  it('shows the mirrored server rule for a malformed value', async () => {
    const user = userEvent.setup({ delay: null });
    const onFinish = vi.fn();
    renderWithProviders(<Harness definitions={[definition('email', false), definition('phone', false)]} onFinish={onFinish} />);

    await user.type(screen.getByLabelText('Label email'), 'name@example');
    await user.type(screen.getByLabelText('Label phone'), '12a');
    await user.click(screen.getByRole('button', { name: 'go' }));
    expect(await within(screen.getByTestId('field-k_email')).findByText(/e-mail address like name@example.com/)).toBeInTheDocument();
    expect(await within(screen.getByTestId('field-k_phone')).findByText(/digits, spaces and/)).toBeInTheDocument();
    expect(onFinish).not.toHaveBeenCalled();
  });
});
