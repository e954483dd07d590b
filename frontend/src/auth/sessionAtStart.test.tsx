import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { testQueryClient } from '@/test/render';
import { AuthProvider, useAuth } from './AuthProvider';
import { endSession, getAccessToken, sessionAtStart } from './session';

const user = {
  id: 10,
  name: '李工',
  email: 'li.gong@loopdesk.local',
  kind: 'staff' as const,
  role: 'agent',
  permissions: [],
  organization_id: null,
  group_ids: [5],
  active: true,
  last_login_at: null,
  created_at: '2026-09-01T00:00:00Z',
  updated_at: '2026-09-01T00:00:00Z',
};

function Status() {
  const { status, user: current } = useAuth();
  return <p data-testid="status">{`${status} ${current?.name ?? ''}`}</p>;
}

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
  localStorage.clear();
});

describe('sessionAtStart', () => {
  it('resumes a stored session at once, before React renders, and the provider joins that one refresh', async () => {
    localStorage.setItem('loopdesk.signed_in', '1');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetchStub = vi.fn(async (input: RequestInfo | URL) => {
      expect(new URL(input instanceof Request ? input.url : String(input)).pathname).toBe('/api/v1/auth/refresh');
      await gate;
      return new Response(JSON.stringify({ access_token: 'fresh', token_type: 'Bearer', expires_in: 900, user }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    vi.stubGlobal('fetch', fetchStub);

    const started = sessionAtStart();
    // The request is out before anything has rendered.
    expect(fetchStub).toHaveBeenCalledTimes(1);
    expect(sessionAtStart()).toBe(started);

    render(
      <QueryClientProvider client={testQueryClient()}>
        <AuthProvider>
          <Status />
        </AuthProvider>
      </QueryClientProvider>,
    );
    expect(screen.getByTestId('status')).toHaveTextContent('restoring');
    release();
    await expect(started).resolves.toMatchObject({ name: '李工' });
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('signed_in 李工'));
    expect(getAccessToken()).toBe('fresh');
    expect(fetchStub).toHaveBeenCalledTimes(1);
  });
});
