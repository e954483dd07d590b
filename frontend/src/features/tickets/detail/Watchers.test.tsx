import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { DirectoryContext } from './directory';
import { fakeApi, signIn, STAFF_PERMISSIONS } from '@/test/fakeApi';
import { Watchers } from './Watchers';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
});

const NAMES: Record<number, string> = { 3: '赵经理', 11: '李工', 12: '王工' };
const directory = { userName: (id: number) => NAMES[id] ?? `#${id}`, groupName: (id: number) => `#${id}` };

function renderWatchers() {
  return renderWithProviders(
    <AuthProvider>
      <DirectoryContext.Provider value={directory}>
        <Watchers ticketId={7} />
      </DirectoryContext.Provider>
    </AuthProvider>,
  );
}

/** A fake holding the ticket's watchers; POST adds (yourself without a body), DELETE removes. */
function watcherApi(initial: number[]) {
  let ids = [...initial];
  const view = () => ({ body: { ticket_id: 7, user_ids: ids } });
  return fakeApi({
    'GET /api/v1/tickets/7/watchers': () => view(),
    'POST /api/v1/tickets/7/watchers': (call) => {
      const id = (call.body as { user_id?: number }).user_id ?? 11;
      ids = [...ids, id];
      return view();
    },
    'DELETE /api/v1/tickets/7/watchers/11': () => {
      ids = ids.filter((id) => id !== 11);
      return view();
    },
    'GET /api/v1/users': {
      body: { items: [{ id: 12, name: '王工', email: 'wang.gong@loopdesk.local', kind: 'staff' }], next_cursor: null },
    },
  });
}

describe('Watchers', () => {
  afterEach(() => endSession());

  it('watches and unwatches the ticket for oneself, with the names of the watchers', async () => {
    signIn(STAFF_PERMISSIONS.filter((p) => p !== 'tickets_assign'));
    const api = watcherApi([3]);
    renderWatchers();
    const toggle = await screen.findByTestId('watch-toggle');
    await waitFor(() => expect(screen.getAllByTestId('watcher').map((w) => w.textContent)).toEqual(['赵经理']));
    expect(toggle).toHaveTextContent('Watch');
    expect(toggle).toHaveAttribute('data-watching', 'false');
    // Without tickets_assign: nobody else can be added, and others cannot be removed.
    expect(screen.queryByTestId('watcher-add')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Stop 赵经理 watching' })).not.toBeInTheDocument();

    await userEvent.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute('data-watching', 'true'));
    expect(api.to('POST /api/v1/tickets/7/watchers')[0]?.body).toEqual({});
    expect(toggle).toHaveTextContent('Unwatch');
    expect(screen.getAllByTestId('watcher').map((w) => w.textContent)).toEqual(['赵经理', '李工 (you)']);

    await userEvent.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute('data-watching', 'false'));
    expect(api.to('DELETE /api/v1/tickets/7/watchers/11')).toHaveLength(1);
    expect(screen.getAllByTestId('watcher')).toHaveLength(1);
  });

  it('with tickets_assign adds a colleague from the staff picker', async () => {
    signIn();
    const api = watcherApi([]);
    renderWatchers();
    expect(await screen.findByText('Nobody watches this ticket')).toBeInTheDocument();
    const add = screen.getByTestId('watcher-add');
    expect(add).toBeDisabled();
    await userEvent.click(screen.getByRole('combobox', { name: 'Add a watcher' }));
    await userEvent.click(await screen.findByText('王工'));
    await userEvent.click(add);
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/watchers')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/watchers')[0]?.body).toEqual({ user_id: 12 });
    const list = await screen.findByTestId('watcher-list');
    expect(within(list).getByText('王工')).toBeInTheDocument();
  });
});
