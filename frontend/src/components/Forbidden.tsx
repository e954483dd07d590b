import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** A 403 page for screens the user may not use (kept out of the initial bundle: Result carries illustrations). */
export function Forbidden() {
  const { t } = useTranslation();
  return <Result status="403" title="403" subTitle={t('state.forbidden')} />;
}
