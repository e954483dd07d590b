import { useState } from 'react';
import { App, Button, Select } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { TimeText } from '@/components/TimeText';
import { AVAILABILITIES, useMyAgent, useReportLocation, useSetAvailability, type AgentView, type Availability } from './api';
import { currentPosition, LocationError } from './location';

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
  const [open, setOpen] = useState(false);
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
      open={open}
      onOpenChange={setOpen}
      popupRender={(menu) => (
        <>
          {menu}
          <ReportPosition agent={me.data} />
        </>
      )}
      variant="borderless"
      popupMatchSelectWidth={false}
      className="ld-availability"
      data-testid="availability-switch"
      data-availability={current}
    />
  );
}

/**
 * Below the availability choices: report the phone's position (the nearest-agent strategy uses it)
 * and when it was last reported. A refused permission says how to allow it.
 */
export function ReportPosition({ agent }: { agent: AgentView | undefined }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportLocation();
  const [locating, setLocating] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const onReport = async () => {
    setFailure(null);
    setLocating(true);
    try {
      const position = await currentPosition();
      await report.mutateAsync(position);
      void message.success(t('availability.location.reported'));
    } catch (error) {
      const text =
        error instanceof LocationError
          ? t(`availability.location.${error.reason}`)
          : error instanceof ApiProblem
            ? error.detail || error.title
            : t('state.error');
      setFailure(text);
    } finally {
      setLocating(false);
    }
  };

  return (
    <div className="ld-location" data-testid="report-position" onMouseDown={(event) => event.preventDefault()}>
      <Button
        block
        size="small"
        icon={<EnvironmentOutlined />}
        loading={locating}
        onClick={() => void onReport()}
        data-testid="report-position-button"
      >
        {locating ? t('availability.location.reporting') : t('availability.location.report')}
      </Button>
      <div className="ld-location-note" data-testid="position-at">
        {agent?.position_at ? (
          <>
            {t('availability.location.last')} <TimeText value={agent.position_at} plainTooltip />
          </>
        ) : (
          t('availability.location.never')
        )}
      </div>
      {failure ? (
        <div className="ld-location-error" role="alert" data-testid="position-error">
          {failure}
        </div>
      ) : null}
    </div>
  );
}
