import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { Schemas } from '@/api/client';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn, TICKET_TYPE } from '@/test/fakeApi';
import { CalendarEditPage } from './CalendarEditPage';
import { PolicyEditPage } from './PolicyEditPage';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const CALENDAR: Schemas['CalendarView'] = {
  id: 2,
  name: '中国大陆工作日',
  time_zone: 'Asia/Shanghai',
  week: { mon: [{ from: '09:00', to: '12:00' }, { from: '13:30', to: '18:00' }], tue: [{ from: '09:00', to: '18:00' }] },
  holidays: [],
  extra_working_days: [],
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};

const POLICY: Schemas['SlaPolicyView'] = {
  id: 3,
  name: 'VIP 客户',
  position: 10,
  enabled: true,
  conditions: [{ kind: 'organization_tier', tiers: ['vip'] }],
  targets: { urgent: { first_response_minutes: 15, resolution_minutes: 120 } },
  calendar_id: 2,
  warn_at_percent: 75,
  breach_actions: { raise_priority: true, redispatch: false, add_tags: [] },
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};

function renderAt(path: string, route: string, element: React.ReactNode) {
  signIn(['sla_manage', 'routing_manage', 'users_read', 'tickets_assign']);
  return renderWithProviders(
    <AuthProvider>
      <Routes>
        <Route path={path} element={element} />
      </Routes>
    </AuthProvider>,
    { route },
  );
}

describe('calendar editor', () => {
  it('shows the week with several spans a day and saves the calendar with PUT', async () => {
    const api = fakeApi({
      'GET /api/v1/calendars/2': { body: CALENDAR },
      'PUT /api/v1/calendars/2': (call) => ({ body: { ...CALENDAR, ...(call.body as object) } }),
    });
    renderAt('/admin/calendars/:id', '/admin/calendars/2', <CalendarEditPage />);
    const monday = await screen.findByText('Monday');
    const mondayRow = monday.closest('[data-testid="weekday"]') as HTMLElement;
    expect(within(mondayRow).getAllByTestId('span')).toHaveLength(2);
    await userEvent.click(within(mondayRow).getByTestId('add-span'));
    expect(within(mondayRow).getAllByTestId('span')).toHaveLength(3);
    await userEvent.click(screen.getByTestId('add-holiday'));
    fireEvent.change(within(screen.getByTestId('holiday-row')).getByLabelText('Date'), { target: { value: '2026-10-01' } });
    await userEvent.click(screen.getByTestId('save-calendar'));
    await waitFor(() => expect(api.to('PUT /api/v1/calendars/2')).toHaveLength(1));
    const body = api.to('PUT /api/v1/calendars/2')[0]?.body as Schemas['CalendarInput'];
    expect(body.week.mon).toEqual([{ from: '09:00', to: '12:00' }, { from: '13:30', to: '18:00' }, { from: '19:00', to: '21:00' }]);
    expect(body.holidays).toEqual([{ date: '2026-10-01', name: '' }]);
  });

  it('imports pasted CSV and lists the lines the server refuses', async () => {
    const api = fakeApi({
      'GET /api/v1/calendars/2': { body: CALENDAR },
      'POST /api/v1/calendars/2/import': problem(422, 'Invalid values', {
        errors: { text: ['line 3: 2026-02-30 is not a date', 'line 2: unknown kind "holliday"'] },
      }),
    });
    renderAt('/admin/calendars/:id', '/admin/calendars/2', <CalendarEditPage />);
    const box = await screen.findByTestId('import-box');
    const csv = 'date,kind,name\n2026-10-01,holliday,国庆节\n2026-02-30,holiday,?';
    fireEvent.change(within(box).getByTestId('import-text'), { target: { value: csv } });
    await userEvent.click(within(box).getByTestId('import-submit'));
    await waitFor(() => expect(api.to('POST /api/v1/calendars/2/import')).toHaveLength(1));
    expect(api.to('POST /api/v1/calendars/2/import')[0]?.body).toEqual({ text: csv, replace_years: true });
    const errors = await within(box).findByTestId('import-errors');
    const lines = within(errors).getAllByRole('listitem');
    expect(lines.map((line) => line.getAttribute('data-line'))).toEqual(['2', '3']);
    expect(lines[0]).toHaveTextContent('line 2: unknown kind "holliday"');
  });

  it('reads an uploaded file into the import box', async () => {
    fakeApi({ 'GET /api/v1/calendars/2': { body: CALENDAR } });
    renderAt('/admin/calendars/:id', '/admin/calendars/2', <CalendarEditPage />);
    const box = await screen.findByTestId('import-box');
    const file = new File(['[{"date":"2026-10-01","kind":"holiday","name":"国庆节"}]'], 'holidays.json', { type: 'application/json' });
    await userEvent.upload(within(box).getByTestId('import-file'), file);
    await waitFor(() => expect(within(box).getByTestId('import-text')).toHaveValue('[{"date":"2026-10-01","kind":"holiday","name":"国庆节"}]'));
  });
});

describe('SLA policy editor', () => {
  function policyApi(overrides: Parameters<typeof fakeApi>[0] = {}) {
    return fakeApi({
      'GET /api/v1/sla-policies/3': { body: POLICY },
      'GET /api/v1/calendars': { body: [CALENDAR] },
      'GET /api/v1/groups': { body: [] },
      'GET /api/v1/ticket-types': { body: [TICKET_TYPE] },
      'GET /api/v1/organizations': { body: { items: [], next_cursor: null } },
      'GET /api/v1/agents': { body: [] },
      ...overrides,
    });
  }

  it('shows targets per priority with an hours help, the shared condition rows, and saves with PUT', async () => {
    const api = policyApi({ 'PUT /api/v1/sla-policies/3': (call) => ({ body: { ...POLICY, ...(call.body as object) } }) });
    renderAt('/admin/sla-policies/:id', '/admin/sla-policies/3', <PolicyEditPage />);
    const urgent = await screen.findByTestId('target-urgent-resolution');
    expect(urgent).toHaveValue('120');
    expect(screen.getByText('= 2 h 0 min')).toBeInTheDocument();
    expect(screen.getAllByTestId('condition-row').map((row) => row.getAttribute('data-kind'))).toEqual(['organization_tier']);
    fireEvent.change(screen.getByTestId('target-high-resolution'), { target: { value: '480' } });
    fireEvent.blur(screen.getByTestId('target-high-resolution'));
    await userEvent.click(screen.getByTestId('save-policy'));
    await waitFor(() => expect(api.to('PUT /api/v1/sla-policies/3')).toHaveLength(1));
    const body = api.to('PUT /api/v1/sla-policies/3')[0]?.body as Schemas['SlaPolicyInput'];
    expect(body.targets.high).toEqual({ resolution_minutes: 480 });
    expect(body.calendar_id).toBe(2);
    expect(body.conditions).toEqual([{ kind: 'organization_tier', tiers: ['vip'] }]);
  });

  it('puts the server’s 422 on the target cell and the condition row', async () => {
    policyApi({
      'PUT /api/v1/sla-policies/3': problem(422, 'Invalid values', {
        errors: { 'targets.urgent.resolution_minutes': ['must not be shorter than the first response'], 'conditions[0].tiers': ['unknown tier'] },
      }),
    });
    renderAt('/admin/sla-policies/:id', '/admin/sla-policies/3', <PolicyEditPage />);
    await screen.findByTestId('target-urgent-resolution');
    await userEvent.click(screen.getByTestId('save-policy'));
    expect(await screen.findByText('must not be shorter than the first response')).toBeInTheDocument();
    expect(within(screen.getByTestId('condition-row')).getByText('unknown tier')).toBeInTheDocument();
  });
});
