import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, signIn, STAFF_PERMISSIONS } from '@/test/fakeApi';
import { DirectoryContext } from './directory';
import { AssignDialog } from './HandoverDialogs';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  // Unmount first: the dialog needs a signed-in user while it is on screen.
  cleanup();
  vi.unstubAllGlobals();
  endSession();
});

const directory = { userName: (id: number) => `#${id}`, groupName: (id: number) => `#${id}` };
const TICKET = { id: 7, number: 'T-7', group_id: 5, group_name: '外勤', assignee_id: null, assignee_name: null };

function agent(user_id: number, name: string, open_count: number, capacity: number | null) {
  const at_capacity = capacity !== null && open_count >= capacity;
  return {
    user_id, name, email: `${user_id}@test.local`, availability: 'online', capacity, skills: [], open_count,
    open_load: open_count * 2, holds_urgent: false, at_capacity, group_ids: [5],
  };
}

function renderAssign() {
  return renderWithProviders(
    <AuthProvider>
      <DirectoryContext.Provider value={directory}>
        <AssignDialog ticket={TICKET} open onClose={() => {}} onGone={() => {}} />
      </DirectoryContext.Provider>
    </AuthProvider>,
  );
}

describe('AssignDialog', () => {
  it("shows each agent's open tickets against their capacity and cannot pick one who is full", async () => {
    signIn([...STAFF_PERMISSIONS, 'users_read']);
    const api = fakeApi({
      'GET /api/v1/groups': { body: [{ id: 5, name: '外勤', member_ids: [21, 22, 23] }] },
      'GET /api/v1/agents': {
        body: [agent(21, '满师傅', 12, 12), agent(22, '闲师傅', 3, 8), agent(23, '无限师傅', 17, null)],
      },
      'POST /api/v1/tickets/7/assign': { body: { ticket: { ...TICKET, assignee_id: 22 }, visible: true } },
    });
    renderAssign();
    await userEvent.click(await screen.findByRole('combobox', { name: 'Assignee' }));
    await screen.findAllByText('闲师傅 · 3/8 open');
    await waitFor(() =>
      expect(api.to('GET /api/v1/agents').map((call) => call.search)).toContain('?group_id=5'),
    );
    // The full agent is listed but disabled; without a limit nobody is full.
    const full = screen.getAllByTitle('21@test.local').find((el) => el.classList.contains('ant-select-item-option'));
    expect(full).toHaveClass('ant-select-item-option-disabled');
    expect(full).toHaveTextContent('满师傅 · 12/12 open · full');
    const unlimited = screen.getAllByTitle('23@test.local').find((el) => el.classList.contains('ant-select-item-option'));
    expect(unlimited).not.toHaveClass('ant-select-item-option-disabled');
    expect(unlimited).toHaveTextContent('无限师傅 · 17 open');
    expect(api.to('GET /api/v1/users')).toHaveLength(0);
  });

  it('without tickets_assign or routing_manage picks from the staff list, without loads', async () => {
    signIn([...STAFF_PERMISSIONS.filter((p) => p !== 'tickets_assign'), 'users_read']);
    const api = fakeApi({
      'GET /api/v1/groups': { body: [{ id: 5, name: '外勤', member_ids: [22] }] },
      'GET /api/v1/users': {
        body: { items: [{ id: 22, name: '闲师傅', email: '22@test.local', kind: 'staff' }], next_cursor: null },
      },
    });
    renderAssign();
    await userEvent.click(await screen.findByRole('combobox', { name: 'Assignee' }));
    expect((await screen.findAllByText('闲师傅')).length).toBeGreaterThan(0);
    expect(api.to('GET /api/v1/agents')).toHaveLength(0);
  });
});
