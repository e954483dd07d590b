import { App, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { AVAILABILITIES, useMyAgent, useSetAvailability, type Availability } from './api';

const COLOR: Record<Availability, string> = { online: '#52c41a', away: '#faad14', offline: '#bfbfbf' };

function Dot({ availability }: { availability: Availability }) {
  return <span className="ld-availability-dot" style={{ background: COLOR[availability] }} aria-hidden />;
}

/**
 * Online / away / offline in the header, for staff: only online agents get new work from dispatch.
 * `compact` (phones) shows only the coloured dot; the choices keep their words.
 */
export function AvailabilitySwitch({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMyAgent();
  const set = useSetAvailability();
  // While the change is on its way, show where it is going.
  const current = set.isPending ? set.variables : me.data?.availability;
  if (me.isError && !me.data) return null;
  const label = current ? t('availability.current', { state: t(`availability.${current}`) }) : t('availability.label');

  return (
    <Select<Availability>
      aria-label={label}
      title={label}
      value={current}
      loading={me.isPending}
      disabled={me.isPending}
      onChange={(next) =>
        set.mutate(next, {
          onSuccess: (agent) => void message.success(t(`availability.now.${agent.availability}`)),
          onError: (error) => void message.error(error instanceof ApiProblem ? error.detail || error.title : t('state.error')),
        })
      }
      options={AVAILABILITIES.map((value) => ({
        value,
        label: (
          <span className="ld-availability-option" data-testid={`availability-${value}`}>
            <Dot availability={value} /> {t(`availability.${value}`)}
          </span>
        ),
      }))}
      labelRender={({ value }) =>
        value ? (
          <span className="ld-availability-option">
            <Dot availability={value as Availability} />
            {compact ? null : ` ${t(`availability.${value as Availability}`)}`}
          </span>
        ) : null
      }
      variant="borderless"
      popupMatchSelectWidth={false}
      className="ld-availability"
      data-testid="availability-switch"
      data-availability={current}
    />
  );
}
