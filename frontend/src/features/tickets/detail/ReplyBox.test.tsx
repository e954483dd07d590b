import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '@/test/render';
import { ReplyBox } from './ReplyBox';
import { fakeApi } from '@/test/fakeApi';
import { mentionHandle } from './mentions';

// antd dialogs are slow in jsdom, and the whole suite runs files in parallel.
vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => vi.unstubAllGlobals());

// The mention menu scrolls its active option into view; jsdom has no scrolling.
Element.prototype.scrollIntoView ??= () => undefined;

const created = { id: 99, ticket_id: 7, author_id: 11, body: 'x', internal: false, created_at: '2026-11-20T10:00:00Z' };

describe('ReplyBox', () => {
  it('cannot be sent while empty or blank', async () => {
    renderWithProviders(<ReplyBox ticketId={7} canInternal />);
    const submit = screen.getByTestId('reply-submit');
    expect(submit).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reply to the customer'), { target: { value: '   ' } });
    expect(submit).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reply to the customer'), { target: { value: ' ok ' } });
    expect(submit).toBeEnabled();
  });

  it('sends a public reply by default and clears the box', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/comments': { status: 201, body: created } });
    renderWithProviders(<ReplyBox ticketId={7} canInternal />);
    const textarea = screen.getByLabelText('Reply to the customer');
    fireEvent.change(textarea, { target: { value: '已安排工程师上门' } });
    await userEvent.click(screen.getByTestId('reply-submit'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/comments')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/comments')[0]?.body).toEqual({ body: '已安排工程师上门', internal: false });
    await waitFor(() => expect(textarea).toHaveValue(''));
  });

  it('sends internal: true when the internal switch is on, and turns the box amber', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/comments': { status: 201, body: { ...created, internal: true } } });
    renderWithProviders(<ReplyBox ticketId={7} canInternal />);
    await userEvent.click(screen.getByText('Internal note'));
    expect(screen.getByTestId('reply-box')).toHaveAttribute('data-mode', 'internal');
    fireEvent.change(screen.getByLabelText('Internal note (staff only)'), { target: { value: '现场需两人作业' } });
    await userEvent.click(screen.getByTestId('reply-submit'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/comments')).toHaveLength(1));
    expect(api.to('POST /api/v1/tickets/7/comments')[0]?.body).toEqual({ body: '现场需两人作业', internal: true });
  });

  it('submits with Ctrl+Enter (and ⌘+Enter)', async () => {
    const api = fakeApi({ 'POST /api/v1/tickets/7/comments': { status: 201, body: created } });
    renderWithProviders(<ReplyBox ticketId={7} canInternal />);
    const textarea = screen.getByLabelText('Reply to the customer');
    fireEvent.change(textarea, { target: { value: 'done' } });
    fireEvent.keyDown(textarea, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/comments')).toHaveLength(1));
    fireEvent.change(textarea, { target: { value: 'again' } });
    fireEvent.keyDown(textarea, { key: 'Enter', metaKey: true });
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/comments')).toHaveLength(2));
  });

  it('offers no internal option without the comments_internal permission', () => {
    renderWithProviders(<ReplyBox ticketId={7} canInternal={false} />);
    expect(screen.queryByTestId('reply-internal-toggle')).not.toBeInTheDocument();
    expect(screen.queryByText('Internal note')).not.toBeInTheDocument();
  });

  it('offers colleagues after @ and inserts @名字 followed by a space', async () => {
    const api = fakeApi({
      'GET /api/v1/users': {
        body: {
          items: [
            { id: 12, name: '王工', email: 'wang.gong@loopdesk.local', kind: 'staff' },
            { id: 13, name: 'Emily Carter', email: 'emily.carter@loopdesk.local', kind: 'staff' },
          ],
          next_cursor: null,
        },
      },
      'POST /api/v1/tickets/7/comments': { status: 201, body: created },
    });
    renderWithProviders(<ReplyBox ticketId={7} canInternal />);
    const textarea = screen.getByLabelText('Reply to the customer');
    await userEvent.type(textarea, '请 @w');
    const options = await screen.findAllByTestId('mention-option');
    expect(options.map((o) => o.textContent)).toEqual(['王工wang.gong@loopdesk.local', 'Emily Carteremily.carter@loopdesk.local']);
    await waitFor(() => expect(api.to('GET /api/v1/users').some((c) => new URLSearchParams(c.search).get('q') === 'w')).toBe(true));
    expect(new URLSearchParams(api.to('GET /api/v1/users').at(-1)?.search).get('kind')).toBe('staff');
    await userEvent.click(options[0]!);
    expect(textarea).toHaveValue('请 @王工 ');
    await userEvent.type(textarea, '看一下');
    await userEvent.click(screen.getByTestId('reply-submit'));
    await waitFor(() => expect(api.to('POST /api/v1/tickets/7/comments')[0]?.body).toEqual({ body: '请 @王工 看一下', internal: false }));
  });

  it('mentions by e-mail handle when the name would not read as one mention', () => {
    expect(mentionHandle({ name: '李工', email: 'li.gong@loopdesk.local' })).toBe('李工');
    expect(mentionHandle({ name: 'Emily Carter', email: 'emily.carter@loopdesk.local' })).toBe('emily.carter');
    expect(mentionHandle({ name: '阿卜杜·热合曼', email: 'x y@loopdesk.local' })).toBeNull();
  });
});
