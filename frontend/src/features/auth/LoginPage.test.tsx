import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { renderWithProviders } from '@/test/render';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { LoginPage } from './LoginPage';

function renderLogin(route = '/login') {
  return renderWithProviders(
    <AuthProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/tickets" element={<p>ticket list</p>} />
        <Route path="/tickets/:id" element={<p>ticket detail</p>} />
      </Routes>
    </AuthProvider>,
    { route },
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

describe('the login page', () => {
  it('asks for both fields before calling the server', async () => {
    const fetchStub = vi.fn();
    vi.stubGlobal('fetch', fetchStub);
    renderLogin();

    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Enter your e-mail address')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(screen.getByLabelText('E-mail')).toHaveAttribute('aria-invalid', 'true');
    expect(fetchStub).not.toHaveBeenCalled();
  });

  it("shows the server's problem title and detail when sign-in fails", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        new Response(
          JSON.stringify({ type: 'about:blank', title: 'Unauthenticated', status: 401, detail: 'wrong e-mail or password' }),
          { status: 401, headers: { 'content-type': 'application/problem+json' } },
        ),
      ),
    );
    renderLogin();

    await userEvent.type(screen.getByLabelText('E-mail'), 'li.gong@loopdesk.local');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Unauthenticated')).toBeInTheDocument();
    expect(screen.getByText('wrong e-mail or password')).toBeInTheDocument();
  });

  it('says in the user\'s language how long to wait when sign-in is slowed down (429)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        new Response(
          JSON.stringify({
            type: 'https://loopdesk.dev/problems/too-many-requests',
            title: 'Too many requests',
            status: 429,
            detail: 'too many sign-in attempts; try again in 60 seconds',
            retry_after: 60,
          }),
          { status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '60' } },
        ),
      ),
    );
    renderLogin();

    await userEvent.type(screen.getByLabelText('E-mail'), 'li.gong@loopdesk.local');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Sign-in is slowed down')).toBeInTheDocument();
    expect(screen.getByText(/Try again in 60 seconds/)).toBeInTheDocument();
  });

  it('signs in and goes to the page the user asked for', async () => {
    const user = {
      id: 7, name: '李工', email: 'li.gong@loopdesk.local', kind: 'staff', role: 'agent', active: true,
      group_ids: [], permissions: [], organization_id: null, last_login_at: null,
      created_at: '2026-11-23T00:00:00Z', updated_at: '2026-11-23T00:00:00Z',
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        new Response(JSON.stringify({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, user }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    renderLogin(`/login?next=${encodeURIComponent('/tickets/42')}`);

    await userEvent.type(screen.getByLabelText('E-mail'), 'li.gong@loopdesk.local');
    await userEvent.type(screen.getByLabelText('Password'), 'loopdesk-demo');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(screen.getByText('ticket detail')).toBeInTheDocument());
  });
});
