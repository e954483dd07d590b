import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { QUICK_VIEWS, type QuickView } from './filters';
import styles from './TicketList.module.css';

/**
 * The four quick views as toggle buttons (plain Buttons: antd Segmented would add ~5 KB gzip to the
 * initial bundle). None is pressed for a hand-made selection of filters.
 */
export function QuickViews({ value, onChange }: { value: QuickView | null; onChange: (view: QuickView) => void }) {
  const { t } = useTranslation('tickets');
  return (
    <div className={styles.views} role="group" aria-label={t('list.views.label')}>
      {QUICK_VIEWS.map((view) => (
        <Button
          key={view}
          shape="round"
          type={value === view ? 'primary' : 'default'}
          aria-pressed={value === view}
          onClick={() => onChange(view)}
          data-testid={`quick-view-${view}`}
        >
          {t(`list.views.${view}`)}
        </Button>
      ))}
    </div>
  );
}
