import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn } from '@/test/fakeApi';
import type { Schemas } from '@/api/client';
import { SignInUnlock } from './SignInUnlock';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const USER: Schemas['UserView'] = {
  id: 12,
  email: 'yang.shifu@loopdesk.local',
  name: '杨师傅',
  kind: 'staff',
  role: 'agent',
  permissions: [],
  organization_id: null,
  group_ids: [],
  active: true,
  locale: 'zh-CN',
  last_login_at: null,
  sign_in_delayed_until: '2026-12-04T05:00:00Z',
  created_at: '2026-12-01T08:00:00Z',
  updated_at: '2026-12-01T08:00:00Z',
};

function renderUnlock(user: Schemas['UserView'], onUnlocked?: (user: Schemas['UserView']) => void) {
  signIn(['users_manage', 'users_read']);
  return renderWithProviders(
    <AuthProvider>
      <SignInUnlock user={user} onUnlocked={onUnlocked} />
    </AuthProvider>,
  );
}

describe('unlocking sign-in on the users screen', () => {
  it('shows nothing while sign-in is not slowed down', () => {
    fakeApi({});
    renderUnlock({ ...USER, sign_in_delayed_until: null });
    expect(screen.queryByTestId('unlock-sign-in')).not.toBeInTheDocument();
    expect(screen.queryByText('Sign-in slowed')).not.toBeInTheDocument();
  });

  it('shows that sign-in is slowed and unlocks with POST /users/{id}/sign-in-unlock', async () => {
    const api = fakeApi({ 'POST /api/v1/users/12/sign-in-unlock': { body: { ...USER, sign_in_delayed_until: null } } });
    const unlocked = vi.fn();
    renderUnlock(USER, unlocked);
    expect(screen.getByText('Sign-in slowed')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Unlock sign-in for 杨师傅' }));
    await waitFor(() => expect(api.to('POST /api/v1/users/12/sign-in-unlock')).toHaveLength(1));
    expect(await screen.findByText('杨师傅 can sign in again at once')).toBeInTheDocument();
    expect(unlocked).toHaveBeenCalledWith(expect.objectContaining({ id: 12, sign_in_delayed_until: null }));
  });

  it('says why when the server refuses', async () => {
    fakeApi({
      'POST /api/v1/users/12/sign-in-unlock': problem(403, 'Forbidden', {
        detail: 'this user holds permissions you do not hold: api_keys_manage',
      }),
    });
    renderUnlock(USER);
    await userEvent.click(screen.getByTestId('unlock-sign-in'));
    expect(await screen.findByText(/permissions you do not hold/)).toBeInTheDocument();
  });
});
