import { describe, expect, it } from 'vitest';
import {
  customFieldsPayload,
  initialFieldValues,
  isEmptyFieldValue,
  validateFieldValue,
  type FieldDefinition,
  type FieldKind,
} from './validateFieldValue';

function def(kind: FieldKind, extra: Partial<FieldDefinition> = {}): FieldDefinition {
  return { key: `f_${kind}`, label: kind, kind, required: false, options: [], customer_visible: true, ...extra };
}

const OPTIONS = ['空调', '电梯', 'VPN'];

/** Each kind: values the server accepts, and values it rejects with the expected message key. */
const CASES: Record<FieldKind, { field: FieldDefinition; valid: unknown[]; invalid: [unknown, string][] }> = {
  text: {
    field: def('text'),
    valid: ['AC-3-0412', '  padded  ', 'x'.repeat(1000), ` ${'x'.repeat(1000)} `, '空'.repeat(1000)],
    invalid: [
      [42, 'text'],
      [true, 'text'],
      ['x'.repeat(1001), 'tooLong'],
      ['空'.repeat(1001), 'tooLong'],
    ],
  },
  long_text: {
    field: def('long_text'),
    valid: ['line 1\nline 2', 'x'.repeat(20_000)],
    invalid: [
      [['a'], 'text'],
      ['x'.repeat(20_001), 'tooLong'],
    ],
  },
  number: {
    field: def('number'),
    valid: [0, -3, 12.5, 1e6, '42', ' 3.14 ', '-7', '1e3'],
    invalid: [
      ['abc', 'number'],
      ['12abc', 'number'],
      ['1,5', 'number'],
      [Number.NaN, 'number'],
      [Number.POSITIVE_INFINITY, 'number'],
      ['1e400', 'number'],
      [true, 'number'],
      [[1], 'number'],
    ],
  },
  date: {
    field: def('date'),
    valid: ['2026-10-01', '2024-02-29', ' 2026-12-31 '],
    invalid: [
      ['2026-1-1', 'date'],
      ['+2026-01-01', 'date'],
      ['2026-02-30', 'date'],
      ['2025-02-29', 'date'],
      ['2026-13-01', 'date'],
      ['2026-10-01T09:00:00Z', 'date'],
      ['01/10/2026', 'date'],
      [20261001, 'date'],
    ],
  },
  datetime: {
    field: def('datetime'),
    valid: ['2026-10-01T09:30:00+08:00', '2026-10-01T01:30:00Z', '2026-10-01t01:30:00z', '2026-10-01 09:30:00.123+08:00', '2026-06-30T23:59:60Z'],
    invalid: [
      ['2026-10-01T09:30:00', 'datetime'],
      ['2026-10-01', 'datetime'],
      ['2026-10-01T09:30+08:00', 'datetime'],
      ['2026-10-01T24:00:00Z', 'datetime'],
      ['2026-02-30T09:00:00Z', 'datetime'],
      ['2026-10-01T09:30:00+24:00', 'datetime'],
      ['yesterday', 'datetime'],
      [1_700_000_000, 'datetime'],
    ],
  },
  select: {
    field: def('select', { options: OPTIONS }),
    valid: ['空调', 'VPN'],
    invalid: [
      ['vpn', 'select'],
      ['打印机', 'select'],
      [['空调'], 'select'],
      [1, 'select'],
    ],
  },
  multi_select: {
    field: def('multi_select', { options: OPTIONS }),
    valid: [['空调'], ['空调', '电梯', 'VPN']],
    invalid: [
      ['空调', 'multiSelect'],
      [['空调', '打印机'], 'multiSelect'],
      [['空调', 3], 'multiSelect'],
      [['空调', '空调'], 'duplicateOption'],
    ],
  },
  checkbox: {
    field: def('checkbox'),
    valid: [true, false],
    invalid: [
      ['true', 'checkbox'],
      [1, 'checkbox'],
    ],
  },
  user: {
    field: def('user'),
    valid: [1, 7, 123456],
    invalid: [
      [0, 'user'],
      [-3, 'user'],
      [1.5, 'user'],
      ['7', 'user'],
      [true, 'user'],
    ],
  },
  email: {
    field: def('email'),
    valid: ['name@example.com', ' li.gong@loopdesk.local ', 'a@b.c', '张三@例子.中国'],
    invalid: [
      ['name', 'email'],
      ['name@example', 'email'],
      ['@example.com', 'email'],
      ['a@b@example.com', 'email'],
      ['a b@example.com', 'email'],
      ['a@example..com', 'email'],
      ['a@.example.com', 'email'],
      [`${'x'.repeat(250)}@a.cn`, 'email'],
      [5, 'email'],
    ],
  },
  phone: {
    field: def('phone'),
    valid: ['110', '+86 138-0013-8000', '(021) 6234 5678', ' 400-820-8820 '],
    invalid: [
      ['12', 'phone'],
      ['+-()', 'phone'],
      ['12a', 'phone'],
      ['138 0013 8000 ext 5', 'phone'],
      ['1'.repeat(33), 'phone'],
      ['１２３', 'phone'],
      [13800138000, 'phone'],
    ],
  },
  url: {
    field: def('url'),
    valid: ['https://example.com', 'http://10.0.0.1:8080/path?q=1', ' https://loopdesk.dev/docs '],
    invalid: [
      ['example.com', 'url'],
      ['ftp://example.com/file', 'url'],
      ['javascript:alert(1)', 'url'],
      ['https://', 'url'],
      [`https://example.com/${'x'.repeat(2048)}`, 'url'],
      [42, 'url'],
    ],
  },
};

describe('validateFieldValue', () => {
  for (const [kind, { field, valid, invalid }] of Object.entries(CASES)) {
    describe(kind, () => {
      it.each(valid.map((value) => [value]))('accepts %j', (value) => {
        expect(validateFieldValue(field, value)).toBeNull();
      });
      it.each(invalid)('rejects %j as %s', (value, key) => {
        expect(validateFieldValue(field, value)).toBe(key);
      });
      it('lets an optional field stay empty and demands a required one', () => {
        for (const empty of [undefined, null, '', '   ', []]) {
          expect(validateFieldValue(field, empty)).toBeNull();
          expect(validateFieldValue({ ...field, required: true }, empty)).toBe('required');
        }
      });
    });
  }

  it('treats checkbox false as a value, so a required checkbox is satisfied by "no"', () => {
    expect(validateFieldValue(def('checkbox', { required: true }), false)).toBeNull();
    expect(validateFieldValue(def('checkbox', { required: true }), undefined)).toBe('required');
  });

  it('covers every field kind', () => {
    const kinds: FieldKind[] = ['text', 'long_text', 'number', 'date', 'datetime', 'select', 'multi_select', 'checkbox', 'user', 'email', 'phone', 'url'];
    expect(Object.keys(CASES).sort()).toEqual([...kinds].sort());
  });
});

describe('helpers', () => {
  it('isEmptyFieldValue follows the server', () => {
    expect([undefined, null, '', ' \n', []].every(isEmptyFieldValue)).toBe(true);
    expect([false, 0, 'x', ['a']].some(isEmptyFieldValue)).toBe(false);
  });

  it('customFieldsPayload keeps defined keys with values and sends typed numbers', () => {
    const defs = [def('number', { key: 'cost' }), def('text', { key: 'asset' }), def('checkbox', { key: 'ok' })];
    expect(customFieldsPayload(defs, { cost: '12.5', asset: '  ', ok: false, stale: 'from another type' })).toEqual({
      cost: 12.5,
      ok: false,
    });
  });

  it('initialFieldValues starts checkboxes at false', () => {
    expect(initialFieldValues([def('checkbox', { key: 'ok' }), def('text', { key: 'asset' })])).toEqual({ ok: false });
  });
});
