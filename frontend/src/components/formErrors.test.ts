import { describe, expect, it, vi } from 'vitest';
import type { FormInstance } from 'antd';
import { ApiProblem } from '@/api/problem';
import { showServerErrors } from './formErrors';

function fakeForm() {
  const setFields = vi.fn();
  const scrollToField = vi.fn();
  return { form: { setFields, scrollToField } as unknown as FormInstance, setFields, scrollToField };
}

const invalid = (errors: Record<string, string[]>) =>
  new ApiProblem(422, { title: 'Validation failed', status: 422, detail: '', errors });

describe('showServerErrors', () => {
  it('puts a 422 on the items it names, nested names included, and leaves nothing when all found one', () => {
    const { form, setFields, scrollToField } = fakeForm();
    const rest = showServerErrors(form, invalid({ subject: ['is required'], 'custom_fields.asset_no': ['too long'] }), [
      'subject',
      'custom_fields.asset_no',
    ]);
    expect(rest).toBeNull();
    expect(setFields).toHaveBeenCalledWith([
      { name: ['subject'], errors: ['is required'] },
      { name: ['custom_fields', 'asset_no'], errors: ['too long'] },
    ]);
    expect(scrollToField).not.toHaveBeenCalled();
  });

  it('returns a 422 with only the errors no item shows', () => {
    const { form } = fakeForm();
    const rest = showServerErrors(form, invalid({ subject: ['is required'], body: ['is not JSON'] }), ['subject']);
    expect(rest).toBeInstanceOf(ApiProblem);
    expect((rest as ApiProblem).status).toBe(422);
    expect((rest as ApiProblem).title).toBe('Validation failed');
    expect((rest as ApiProblem).errors).toEqual({ body: ['is not JSON'] });
  });

  it('scrolls to the first item on request', () => {
    const { form, scrollToField } = fakeForm();
    showServerErrors(form, invalid({ 'custom_fields.asset_no': ['too long'] }), ['custom_fields.asset_no'], { scroll: true });
    expect(scrollToField).toHaveBeenCalledWith(['custom_fields', 'asset_no'], { block: 'center', behavior: 'smooth' });
  });

  it('puts a 409 on the conflict item, and passes other failures through', () => {
    const { form, setFields } = fakeForm();
    const taken = new ApiProblem(409, { title: 'Conflict', status: 409, detail: 'the name is taken' });
    expect(showServerErrors(form, taken, ['name'], { conflictField: 'name' })).toBeNull();
    expect(setFields).toHaveBeenCalledWith([{ name: 'name', errors: ['the name is taken'] }]);

    expect(showServerErrors(form, taken, ['name'])).toBe(taken);
    const down = new Error('offline');
    expect(showServerErrors(form, down, ['name'])).toBe(down);
  });
});
