import { Tooltip } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useTranslation } from 'react-i18next';

dayjs.extend(relativeTime);

/** The absolute time in the user's time zone, e.g. 2026-11-23 14:05. */
export function formatDateTime(iso: string): string {
  return dayjs(iso).format('YYYY-MM-DD HH:mm');
}

/**
 * "3 hours ago" with the absolute local time on hover (and for screen readers via <time>).
 * `plainTooltip` shows it with the browser's own title tooltip instead of an antd Tooltip: for long
 * lists, where a Tooltip per row costs render time.
 */
export function TimeText({
  value,
  absolute = false,
  plainTooltip = false,
}: {
  value: string | null | undefined;
  absolute?: boolean;
  plainTooltip?: boolean;
}) {
  const { t, i18n } = useTranslation();
  if (!value) return <span>{t('time.never')}</span>;
  const time = dayjs(value).locale(i18n.language === 'zh-CN' ? 'zh-cn' : 'en');
  const full = formatDateTime(value);
  const text = (
    <time dateTime={value} title={full}>
      {absolute ? full : time.fromNow()}
    </time>
  );
  return plainTooltip ? text : <Tooltip title={full}>{text}</Tooltip>;
}
