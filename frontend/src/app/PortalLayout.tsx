import { Link, Outlet } from 'react-router-dom';
import { Button, Grid, Layout } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';

/** The customer portal's own simple shell: brand, "my tickets", submit, language, user. */
export function PortalLayout() {
  const { t } = useTranslation();
  const mobile = !Grid.useBreakpoint().md;
  return (
    <Layout className="ld-shell ld-portal">
      <Layout.Header className="ld-header">
        <Link to="/portal" className="ld-brand">
          {t('app.name')}
        </Link>
        <div className="ld-header-spacer" />
        <Link to="/portal/new">
          <Button type="primary" icon={<PlusOutlined />} aria-label={t('nav.newTicket')}>
            {mobile ? null : t('nav.newTicket')}
          </Button>
        </Link>
        <LanguageSwitch />
        <UserMenu compact={mobile} />
      </Layout.Header>
      <Layout.Content className="ld-content ld-portal-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
