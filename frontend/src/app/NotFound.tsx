import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('state.notFound')}
      subTitle={t('state.notFoundDetail')}
      extra={
        <Link to="/">
          <Button type="primary">{t('action.back')}</Button>
        </Link>
      }
    />
  );
}
