import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn } from '@/test/fakeApi';
import type { Schemas } from '@/api/client';
import { AgentProfileSection, toAgentPatch } from './AgentProfileSection';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const AGENT: Schemas['AgentView'] = {
  user_id: 12,
  name: '杨师傅',
  email: 'yang.shifu@loopdesk.local',
  availability: 'online',
  capacity: 6,
  skills: [{ name: '空调', level: 3 }],
  open_count: 2,
  open_load: 5,
  holds_urgent: false,
  at_capacity: false,
  group_ids: [5],
};

function renderSection() {
  signIn(['users_manage', 'routing_manage']);
  return renderWithProviders(
    <AuthProvider>
      <AgentProfileSection userId={12} />
    </AuthProvider>,
  );
}

describe('agent profile in the user drawer', () => {
  it('maps the form to the patch: empty capacity is no limit, blank skills are dropped', () => {
    expect(toAgentPatch({ capacity: null, skills: [{ name: ' 高压电工 ', level: null }, { name: '  ' }] })).toEqual({
      capacity: null,
      skills: [{ name: '高压电工', level: null }],
    });
    expect(toAgentPatch({ capacity: 8, skills: [] })).toEqual({ capacity: 8, skills: [] });
  });

  it('loads the profile and saves capacity and skills with PATCH /agents/{id}', async () => {
    const api = fakeApi({
      'GET /api/v1/agents/12': { body: AGENT },
      'GET /api/v1/agents': { body: [AGENT] },
      'PATCH /api/v1/agents/12': (call) => ({ body: { ...AGENT, ...(call.body as object) } }),
    });
    renderSection();
    const capacity = await screen.findByTestId('agent-capacity');
    expect(capacity).toHaveValue('6');
    expect(screen.getByDisplayValue('空调')).toBeInTheDocument();
    fireEvent.change(capacity, { target: { value: '' } });
    await userEvent.click(screen.getByTestId('save-agent-profile'));
    await waitFor(() => expect(api.to('PATCH /api/v1/agents/12')).toHaveLength(1));
    expect(api.to('PATCH /api/v1/agents/12')[0]?.body).toEqual({ capacity: null, skills: [{ name: '空调', level: 3 }] });
    expect(await screen.findByText('Dispatch profile saved')).toBeInTheDocument();
  });

  it('shows the server’s 422 on capacity and on the skills', async () => {
    fakeApi({
      'GET /api/v1/agents/12': { body: AGENT },
      'GET /api/v1/agents': { body: [AGENT] },
      'PATCH /api/v1/agents/12': problem(422, 'Invalid values', {
        errors: { capacity: ['must be at most 100'], 'skills[0].name': ['is too long'] },
      }),
    });
    renderSection();
    await screen.findByTestId('agent-capacity');
    await userEvent.click(screen.getByTestId('save-agent-profile'));
    expect(await screen.findByText('must be at most 100')).toBeInTheDocument();
    expect(screen.getByText('#1: is too long')).toBeInTheDocument();
  });
});
