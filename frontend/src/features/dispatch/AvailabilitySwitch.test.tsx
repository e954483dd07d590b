import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn } from '@/test/fakeApi';
import type { Schemas } from '@/api/client';
import { AvailabilitySwitch } from './AvailabilitySwitch';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const ME: Schemas['AgentView'] = {
  user_id: 11,
  name: '李工',
  email: 'li.gong@loopdesk.local',
  availability: 'offline',
  capacity: 8,
  skills: [{ name: '空调', level: 3 }],
  open_count: 2,
  open_load: 5,
  holds_urgent: false,
  at_capacity: false,
  group_ids: [5],
};

function renderSwitch() {
  signIn();
  return renderWithProviders(
    <AuthProvider>
      <AvailabilitySwitch />
    </AuthProvider>,
  );
}

async function choose(label: string) {
  await userEvent.click(screen.getByRole('combobox'));
  const options = await screen.findAllByText(label, { selector: '.ld-availability-option *, .ld-availability-option' });
  await userEvent.click(options.at(-1)!);
}

describe('AvailabilitySwitch', () => {
  it('shows the availability GET /me/agent reports (new agents start offline)', async () => {
    fakeApi({ 'GET /api/v1/me/agent': { body: ME } });
    renderSwitch();
    await waitFor(() => expect(screen.getByTestId('availability-switch')).toHaveAttribute('data-availability', 'offline'));
    expect(screen.getByRole('combobox')).toHaveAccessibleName('Availability: Offline');
  });

  it('goes online with PUT /me/availability and says what that means', async () => {
    const api = fakeApi({
      'GET /api/v1/me/agent': { body: ME },
      'PUT /api/v1/me/availability': (call) => ({ body: { ...ME, ...(call.body as object) } }),
    });
    renderSwitch();
    await waitFor(() => expect(screen.getByTestId('availability-switch')).toHaveAttribute('data-availability', 'offline'));
    await choose('Online');
    await waitFor(() => expect(api.to('PUT /api/v1/me/availability')).toHaveLength(1));
    expect(api.to('PUT /api/v1/me/availability')[0]?.body).toEqual({ availability: 'online' });
    expect(await screen.findByText('You are online: dispatch sends you new work')).toBeInTheDocument();
    expect(screen.getByTestId('availability-switch')).toHaveAttribute('data-availability', 'online');
  });

  it('falls back to the stored state when the change is refused', async () => {
    fakeApi({
      'GET /api/v1/me/agent': { body: ME },
      'PUT /api/v1/me/availability': problem(403, 'Forbidden', { detail: 'not an agent' }),
    });
    renderSwitch();
    await waitFor(() => expect(screen.getByTestId('availability-switch')).toHaveAttribute('data-availability', 'offline'));
    await choose('Away');
    expect(await screen.findByText('not an agent')).toBeInTheDocument();
    expect(screen.getByTestId('availability-switch')).toHaveAttribute('data-availability', 'offline');
  });

  describe('report my position', () => {
    function stubGeolocation(impl: (ok: PositionCallback, fail: PositionErrorCallback) => void) {
      const getCurrentPosition = vi.fn(impl);
      vi.stubGlobal('navigator', Object.assign(Object.create(navigator) as Navigator, { geolocation: { getCurrentPosition } }));
      return getCurrentPosition;
    }

    async function openMenu() {
      await waitFor(() => expect(screen.getByTestId('availability-switch')).toHaveAttribute('data-availability', 'offline'));
      await userEvent.click(screen.getByRole('combobox'));
      return screen.findByTestId('report-position-button');
    }

    it('sends the phone’s position with PUT /me/location and shows when it was reported', async () => {
      const api = fakeApi({
        'GET /api/v1/me/agent': { body: ME },
        'PUT /api/v1/me/location': (call) => ({
          body: { ...ME, position: call.body, position_at: new Date(Date.now() - 60_000).toISOString() },
        }),
      });
      stubGeolocation((ok) => ok({ coords: { latitude: 31.2034, longitude: 121.5914 } } as GeolocationPosition));
      renderSwitch();
      const button = await openMenu();
      expect(screen.getByTestId('position-at')).toHaveTextContent('Position not reported yet');
      await userEvent.click(button);
      await waitFor(() => expect(api.to('PUT /api/v1/me/location')).toHaveLength(1));
      expect(api.to('PUT /api/v1/me/location')[0]?.body).toEqual({ lat: 31.2034, lon: 121.5914 });
      expect(await screen.findByText('Position reported')).toBeInTheDocument();
      await waitFor(() => expect(screen.getByTestId('position-at')).toHaveTextContent('Last reported: a minute ago'));
    });

    it('explains a refused permission and sends nothing', async () => {
      const api = fakeApi({ 'GET /api/v1/me/agent': { body: ME } });
      stubGeolocation((_ok, fail) => fail({ code: 1, message: 'User denied Geolocation' } as GeolocationPositionError));
      renderSwitch();
      await userEvent.click(await openMenu());
      expect(await screen.findByTestId('position-error')).toHaveTextContent('Location access is blocked');
      expect(api.to('PUT /api/v1/me/location')).toHaveLength(0);
    });

    it('says so when the browser has no geolocation, or it times out', async () => {
      fakeApi({ 'GET /api/v1/me/agent': { body: ME } });
      vi.stubGlobal('navigator', Object.assign(Object.create(navigator) as Navigator, { geolocation: undefined }));
      const { unmount } = renderSwitch();
      await userEvent.click(await openMenu());
      expect(await screen.findByTestId('position-error')).toHaveTextContent('This browser cannot report a position.');
      unmount();
      stubGeolocation((_ok, fail) => fail({ code: 3, message: 'Timeout' } as GeolocationPositionError));
      renderSwitch();
      await userEvent.click(await openMenu());
      expect(await screen.findByTestId('position-error')).toHaveTextContent('took too long');
    });
  });
});
