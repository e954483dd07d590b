import { ClockCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/components/TimeText';
import { useNow } from '@/components/useNow';
import styles from './dispatch.module.css';

/** Whole minutes until `acceptBy` (rounded up while there is time left), negative once it has passed. */
export function minutesUntil(acceptBy: string, now: number): number {
  const ms = Date.parse(acceptBy) - now;
  return ms >= 0 ? Math.ceil(ms / 60_000) : -Math.ceil(-ms / 60_000);
}

/** "Accept within 12 min" for an assigned ticket with an acceptance deadline; red once it has passed. */
export function AcceptCountdown({ acceptBy }: { acceptBy: string }) {
  const { t } = useTranslation('dispatch');
  const now = useNow(30_000);
  const minutes = minutesUntil(acceptBy, now);
  const late = minutes <= 0;
  return (
    <span
      className={`${styles.acceptBy} ${late ? styles.acceptLate : ''}`}
      data-testid="accept-countdown"
      data-late={late}
      title={formatDateTime(acceptBy)}
    >
      <ClockCircleOutlined aria-hidden />{' '}
      {late ? t('detail.acceptLate', { minutes: Math.max(1, -minutes) }) : t('detail.acceptWithin', { minutes })}
    </span>
  );
}
