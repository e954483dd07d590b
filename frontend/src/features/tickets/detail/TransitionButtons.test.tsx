import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '@/test/render';
import type { TicketStatus } from './api';
import { TransitionButtons } from './TransitionButtons';
import { fakeApi, TICKET } from '@/test/fakeApi';

// antd dialogs are slow in jsdom, and the whole suite runs files in parallel.
vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => vi.unstubAllGlobals());

function renderButtons(status: TicketStatus, allowed: TicketStatus[], canAssign = true) {
  const onAssign = vi.fn();
  renderWithProviders(
    <TransitionButtons
      ticket={{ id: 7, number: 'T-000007', status, allowed_transitions: allowed }}
      canAssign={canAssign}
      onAssign={onAssign}
    />,
  );
  return { onAssign };
}

const shownTransitions = () =>
  screen
    .queryAllByRole('button')
    .map((button) => button.getAttribute('data-testid'))
    .filter((id) => id?.startsWith('transition-'))
    .sort();

describe('TransitionButtons', () => {
  it('renders exactly the transitions the API allows', () => {
    renderButtons('new', ['assigned', 'in_progress', 'resolved']);
    expect(shownTransitions()).toEqual(['transition-assigned', 'transition-in_progress', 'transition-resolved']);
    expect(screen.getByTestId('transition-in_progress')).toHaveTextContent('Start work');
    expect(screen.getByTestId('transition-resolved')).toHaveTextContent('Resolve');
  });

  it('offers confirm and reopen on a resolved ticket, and nothing else', () => {
    renderButtons('resolved', ['closed', 'in_progress']);
    expect(shownTransitions()).toEqual(['transition-closed', 'transition-in_progress']);
    expect(screen.getByTestId('transition-in_progress')).toHaveTextContent('Reopen');
    expect(screen.getByTestId('transition-closed')).toHaveTextContent('Close');
  });

  it('says so when no move is possible', () => {
    renderButtons('closed', []);
    expect(shownTransitions()).toEqual([]);
    expect(screen.getByText('No status change is possible right now.')).toBeInTheDocument();
  });

  it('opens the assign dialog for "assigned" instead of moving without an assignee', async () => {
    const api = fakeApi({});
    const { onAssign } = renderButtons('new', ['assigned', 'in_progress']);
    await userEvent.click(screen.getByTestId('transition-assigned'));
    expect(onAssign).toHaveBeenCalledOnce();
    expect(api.calls).toHaveLength(0);
  });

  it('hides "assigned" from someone who may not assign', () => {
    renderButtons('new', ['assigned', 'in_progress'], false);
    expect(shownTransitions()).toEqual(['transition-in_progress']);
  });

  it('asks for an optional note when resolving and sends it with the move', async () => {
    const api = fakeApi({
      'POST /api/v1/tickets/7/transitions': { body: { ...TICKET, status: 'resolved', allowed_transitions: ['closed', 'in_progress'] } },
    });
    renderButtons('in_progress', ['pending', 'resolved']);
    await userEvent.click(screen.getByTestId('transition-resolved'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Note (optional)'), { target: { value: '已更换压缩机电容' } });
    await userEvent.click(screen.getByTestId('transition-confirm'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/transitions')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/transitions')[0]?.body).toEqual({ status: 'resolved', note: '已更换压缩机电容' });
  });

  it('asks for a note when reopening', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/transitions': { body: { ...TICKET, status: 'in_progress' } } });
    renderButtons('closed', ['in_progress']);
    await userEvent.click(screen.getByTestId('transition-in_progress'));
    await screen.findByRole('dialog');
    await userEvent.click(screen.getByTestId('transition-confirm'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/transitions')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/transitions')[0]?.body).toEqual({ status: 'in_progress', note: null });
  });

  it('starts work at once, without a dialog', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/transitions': { body: { ...TICKET, status: 'in_progress' } } });
    renderButtons('assigned', ['in_progress', 'pending', 'resolved']);
    await userEvent.click(screen.getByTestId('transition-in_progress'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/transitions')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/transitions')[0]?.body).toEqual({ status: 'in_progress', note: null });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
