import { Tooltip } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useTranslation } from 'react-i18next';

dayjs.extend(relativeTime);

/** The absolute time in the user's time zone, e.g. 2026-11-23 14:05. */
export function formatDateTime(iso: string): string {
  return dayjs(iso).format('YYYY-MM-DD HH:mm');
}

/** "3 hours ago" with the absolute local time on hover (and for screen readers via <time>). */
export function TimeText({ value, absolute = false }: { value: string | null | undefined; absolute?: boolean }) {
  const { t, i18n } = useTranslation();
  if (!value) return <span>{t('time.never')}</span>;
  const time = dayjs(value).locale(i18n.language === 'zh-CN' ? 'zh-cn' : 'en');
  const full = formatDateTime(value);
  return (
    <Tooltip title={full}>
      <time dateTime={value} title={full}>
        {absolute ? full : time.fromNow()}
      </time>
    </Tooltip>
  );
}
