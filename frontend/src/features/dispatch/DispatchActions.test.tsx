import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn, STAFF_PERMISSIONS, TICKET } from '@/test/fakeApi';
import { DispatchActions } from './DispatchActions';
import { PoolPage } from './PoolPage';

// antd dialogs are slow in jsdom, and the whole suite runs files in parallel.
vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

// The signed-in test user is 李工, id 11.
const ASSIGNED = { ...TICKET, status: 'assigned' as const, assignee_id: 11, allowed_transitions: ['in_progress' as const] };
const POOLED = { ...TICKET, status: 'new' as const, assignee_id: null, assignee_name: null };

function renderActions(ticket: typeof TICKET, permissions = STAFF_PERMISSIONS) {
  signIn(permissions);
  const onGone = vi.fn();
  const view = renderWithProviders(
    <AuthProvider>
      <DispatchActions ticket={ticket} onGone={onGone} />
    </AuthProvider>,
  );
  return { onGone, ...view };
}

describe('acceptance deadline', () => {
  it('counts down to accept_by on an assigned ticket, and turns red once it has passed', () => {
    fakeApi({});
    const inTwelve = new Date(Date.now() + 12 * 60_000 - 5_000).toISOString();
    const { unmount } = renderActions({ ...ASSIGNED, accept_by: inTwelve });
    expect(screen.getByTestId('accept-countdown')).toHaveTextContent('Accept within 12 min');
    expect(screen.getByTestId('accept-countdown')).toHaveAttribute('data-late', 'false');
    unmount();
    const fiveAgo = new Date(Date.now() - 5 * 60_000 + 5_000).toISOString();
    renderActions({ ...ASSIGNED, assignee_id: 12, accept_by: fiveAgo }, ['tickets_read_group']);
    expect(screen.getByTestId('accept-countdown')).toHaveTextContent('Acceptance overdue by 5 min');
    expect(screen.getByTestId('accept-countdown')).toHaveAttribute('data-late', 'true');
  });

  it('shows no countdown without a deadline or once accepted', () => {
    fakeApi({});
    const { unmount } = renderActions(ASSIGNED);
    expect(screen.queryByTestId('accept-countdown')).not.toBeInTheDocument();
    unmount();
    renderActions({ ...ASSIGNED, status: 'in_progress', accept_by: new Date().toISOString() });
    expect(screen.queryByTestId('accept-countdown')).not.toBeInTheDocument();
  });
});

describe('accept and decline', () => {
  it('offers both to the assignee of an assigned ticket, and accepting posts /accept', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/accept': { body: { ...ASSIGNED, status: 'in_progress' } } });
    renderActions(ASSIGNED);
    expect(screen.getByTestId('awaiting-acceptance')).toHaveTextContent('Assigned to you');
    await userEvent.click(screen.getByTestId('accept-button'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/accept')).toHaveLength(1));
    expect(await screen.findByText('Accepted: the ticket is in progress')).toBeInTheDocument();
  });

  it('shows neither to someone else, nor once the ticket is in progress', () => {
    fakeApi({});
    const { unmount } = renderActions({ ...ASSIGNED, assignee_id: 12 }, ['tickets_read_group']);
    expect(screen.queryByTestId('accept-button')).not.toBeInTheDocument();
    unmount();
    renderActions({ ...ASSIGNED, status: 'in_progress' }, ['tickets_read_group']);
    expect(screen.queryByTestId('decline-button')).not.toBeInTheDocument();
  });

  it('will not decline without a reason, and sends the reason it is given', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/decline': { body: { ...ASSIGNED, status: 'assigned', assignee_id: 12 } } });
    renderActions(ASSIGNED);
    await userEvent.click(screen.getByTestId('decline-button'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(screen.getByTestId('decline-submit'));
    expect(await within(dialog).findByText('Say why you decline the ticket')).toBeInTheDocument();
    expect(api.to('POST /api/v1/tickets/7/decline')).toHaveLength(0);

    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: '  明天休假，无法上门 ' } });
    await userEvent.click(screen.getByTestId('decline-submit'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/decline')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/decline')[0]?.body).toEqual({ reason: '明天休假，无法上门' });
  });

  it('goes back to the list when the declined ticket left the caller’s sight (404)', async () => {
    fakeApi({ 'POST /api/v1/tickets/7/decline': problem(404, 'Not found') });
    const { onGone } = renderActions(ASSIGNED);
    await userEvent.click(screen.getByTestId('decline-button'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: '不在服务区域' } });
    await userEvent.click(screen.getByTestId('decline-submit'));
    await waitFor(() => expect(onGone).toHaveBeenCalledOnce());
  });
});

describe('claiming', () => {
  it('shows the claim button for a ticket the view says is in the pool, without asking the pool list', async () => {
    const api = fakeApi({});
    renderActions({ ...POOLED, in_pool: true });
    expect(await screen.findByTestId('claim-button')).toBeInTheDocument();
    expect(api.to('GET /api/v1/tickets')).toHaveLength(0);
  });

  it('hides it when the ticket is not in the pool', () => {
    fakeApi({});
    renderActions({ ...POOLED, in_pool: false }, ['tickets_read_group']);
    expect(screen.queryByTestId('claim-button')).not.toBeInTheDocument();
  });

  it('says why instead of offering a claim the server would refuse', async () => {
    const full = { ...POOLED, id: 8, number: 'T-000008', in_pool: true, claim_block: 'at_capacity' as const };
    fakeApi({ 'GET /api/v1/tickets': { body: { items: [{ ...POOLED, in_pool: true }, full], next_cursor: null } } });
    signIn();
    renderWithProviders(
      <AuthProvider>
        <PoolPage />
      </AuthProvider>,
    );
    const [open, blocked] = await screen.findAllByTestId('pool-item');
    expect(within(open!).getByTestId('pool-claim')).toBeEnabled();
    expect(within(blocked!).queryByTestId('pool-claim')).not.toBeInTheDocument();
    expect(within(blocked!).getByTestId('pool-blocked')).toHaveTextContent('You hold as many open tickets as your limit');
  });

  it('offers no claim button on the ticket page when a claim would be refused', () => {
    fakeApi({});
    renderActions({ ...POOLED, in_pool: true, claim_block: 'not_online' });
    expect(screen.queryByTestId('claim-button')).not.toBeInTheDocument();
  });

  it('tells the loser of a race who won, and refreshes the pool list', async () => {
    const other = { ...POOLED, id: 8, number: 'T-000008', subject: '电梯异响' };
    let pool = [{ ...POOLED, in_pool: true }, { ...other, in_pool: true }];
    const api = fakeApi({
      'GET /api/v1/tickets': () => ({ body: { items: pool, next_cursor: null } }),
      'POST /api/v1/tickets/7/claim': () => {
        pool = [{ ...other, in_pool: true }];
        return problem(409, 'Conflict', { detail: 'already claimed by 杨师傅' });
      },
    });
    signIn();
    renderWithProviders(
      <AuthProvider>
        <PoolPage />
      </AuthProvider>,
    );
    const items = await screen.findAllByTestId('pool-item');
    expect(items).toHaveLength(2);
    await userEvent.click(within(items[0]!).getByTestId('pool-claim'));
    expect(await screen.findByText('Not claimed: already claimed by 杨师傅')).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId('pool-item')).toHaveLength(1));
    expect(screen.getByTestId('pool-item')).toHaveAttribute('data-number', 'T-000008');
    expect(api.to('GET /api/v1/tickets').length).toBeGreaterThanOrEqual(2);
  });
});
