import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { Schemas } from '@/api/client';
import { renderWithProviders } from '@/test/render';
import { TicketTypeEditPage } from './TicketTypeEditPage';

const TYPE: Schemas['TicketTypeView'] = {
  id: 5,
  name: '设备报修',
  description: 'Equipment repair',
  default_priority: 'high',
  default_group_id: 2,
  required_skills: [],
  active: true,
  created_at: '2026-09-23T08:59:52Z',
  updated_at: '2026-09-23T08:59:52Z',
  fields: [
    { key: 'asset_no', label: 'Asset no.', kind: 'text', required: true, customer_visible: true, options: [] },
    { key: 'fault', label: 'Fault', kind: 'select', required: true, customer_visible: true, options: ['Noise', 'Leak'] },
  ],
};

const GROUPS: Schemas['GroupView'][] = [
  { id: 2, name: 'Field service', description: '', parent_id: null, member_ids: [], created_at: '', updated_at: '' },
];

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake API: the type, its groups, and PATCH answered by `onPatch` (echoing the body by default). */
function stubApi(onPatch?: (body: Schemas['TicketTypePatch']) => Response) {
  const patches: Schemas['TicketTypePatch'][] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path === '/api/v1/groups') return json(200, GROUPS);
      if (path === '/api/v1/ticket-types/5' && request.method === 'GET') return json(200, TYPE);
      if (path === '/api/v1/ticket-types/5' && request.method === 'PATCH') {
        const body = (await request.json()) as Schemas['TicketTypePatch'];
        patches.push(body);
        return onPatch ? onPatch(body) : json(200, { ...TYPE, ...body });
      }
      return json(404, { type: 'about:blank', title: 'Not found', status: 404, detail: path });
    }),
  );
  return patches;
}

function renderPage() {
  return renderWithProviders(
    <Routes>
      <Route path="/admin/ticket-types/:id" element={<TicketTypeEditPage />} />
    </Routes>,
    { route: '/admin/ticket-types/5' },
  );
}

const rows = () => screen.getAllByTestId('field-row');

/** Picks an option of the antd Select inside `container` (jsdom has no layout, so open it by mouse down). */
async function choose(container: HTMLElement, optionLabel: string) {
  const select = within(container).getByTestId('field-kind');
  fireEvent.mouseDown(select);
  // The open list's item, not the selected value of another select showing the same label.
  const option = await waitFor(() => {
    const item = document.querySelector<HTMLElement>(`.ant-select-item-option[title="${optionLabel}"]`);
    if (!item) throw new Error(`no option ${optionLabel}`);
    return item;
  });
  fireEvent.click(option);
}

afterEach(() => vi.unstubAllGlobals());

describe('TicketTypeEditPage custom-field editor', { timeout: 30_000 }, () => {
  it('adds a select field with options, moves it up and saves the new order with PATCH', async () => {
    const user = userEvent.setup({ delay: null });
    const patches = stubApi();
    renderPage();

    expect(await screen.findByTestId('field-editor')).toBeInTheDocument();
    expect(rows().map((r) => r.dataset.key)).toEqual(['asset_no', 'fault']);

    await user.click(screen.getByTestId('add-field'));
    expect(rows()).toHaveLength(3);
    const added = rows()[2]!;
    // Focus moves to the new field's label; its key follows an ASCII label.
    expect(within(added).getByTestId('field-label')).toHaveFocus();
    await user.keyboard('Floor');
    expect(within(added).getByTestId('field-key')).toHaveValue('floor');

    // Options appear only once the kind takes them.
    expect(within(added).queryByTestId('option-input')).not.toBeInTheDocument();
    await choose(added, 'Single choice');
    const optionInput = await within(added).findByTestId('option-input');
    await user.type(optionInput, '1F{Enter}');
    // The input keeps focus, so options can be typed one after another.
    expect(optionInput).toHaveFocus();
    await user.type(optionInput, '2F{Enter}');
    expect(within(added).getAllByTestId('field-option').map((o) => o.textContent)).toEqual(['1F', '2F']);

    await user.click(within(added).getByTestId('field-required'));
    await user.click(within(added).getByRole('button', { name: 'Move Floor up' }));
    expect(rows().map((r) => r.dataset.key)).toEqual(['asset_no', 'floor', 'fault']);
    // Focus stays on the moved field's button for the next key press.
    expect(within(rows()[1]!).getByRole('button', { name: 'Move Floor up' })).toHaveFocus();

    await user.click(screen.getByTestId('save-ticket-type'));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]!.fields).toEqual([
      TYPE.fields[0],
      { key: 'floor', label: 'Floor', kind: 'select', required: true, customer_visible: true, options: ['1F', '2F'] },
      TYPE.fields[1],
    ]);
    expect(patches[0]).toMatchObject({ name: '设备报修', default_priority: 'high', default_group_id: 2, active: true });
  });

  it('blocks saving an invalid key and shows why next to the field', async () => {
    const user = userEvent.setup({ delay: null });
    const patches = stubApi();
    renderPage();
    await screen.findByTestId('field-editor');

    const key = within(rows()[0]!).getByTestId('field-key');
    await user.clear(key);
    await user.type(key, 'Asset No');
    await user.click(screen.getByTestId('save-ticket-type'));

    expect(await within(rows()[0]!).findByText(/Start with a lowercase letter/)).toBeInTheDocument();
    expect(patches).toHaveLength(0);
  });

  it("shows the server's 422 for fields[1] on the second field and name errors on the form", async () => {
    const user = userEvent.setup({ delay: null });
    stubApi(() =>
      json(422, {
        type: 'https://loopdesk.dev/problems/validation',
        title: 'Validation failed',
        status: 422,
        detail: '2 fields have invalid values',
        errors: { 'fields[1].options': ['option "Noise" is reserved'], name: ['is taken'] },
      }),
    );
    renderPage();
    await screen.findByTestId('field-editor');

    await user.click(screen.getByTestId('save-ticket-type'));
    expect(await within(rows()[1]!).findByText('option "Noise" is reserved')).toBeInTheDocument();
    expect(within(rows()[0]!).queryByText('option "Noise" is reserved')).not.toBeInTheDocument();
    expect(await screen.findByText('is taken')).toBeInTheDocument();
  });
});
