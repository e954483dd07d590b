import { useState, type ReactNode } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { Button, Drawer, Grid, Layout, Menu } from 'antd';
import {
  ApiOutlined,
  ClusterOutlined,
  MenuOutlined,
  PlusOutlined,
  SettingOutlined,
  ThunderboltOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '@/auth/AuthProvider';
import { AvailabilitySwitch } from '@/features/dispatch/AvailabilitySwitch';
import { NotificationBell } from '@/features/notifications/NotificationBell';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';
import { ADMIN_PERMISSIONS } from './adminPermissions';

/** The staff shell: navigation, user, language. Below the md breakpoint the menu moves into a drawer. */
export function AgentLayout({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();

  const items = [
    { key: '/tickets', icon: <UnorderedListOutlined />, label: <Link to="/tickets">{t('nav.tickets')}</Link> },
    ...(can('tickets_create')
      ? [{ key: '/tickets/new', icon: <PlusOutlined />, label: <Link to="/tickets/new">{t('nav.newTicket')}</Link> }]
      : []),
    { key: '/pool', icon: <ThunderboltOutlined />, label: <Link to="/pool">{t('nav.pool')}</Link> },
    ...(can('tickets_assign')
      ? [{ key: '/queues', icon: <ClusterOutlined />, label: <Link to="/queues">{t('nav.queues')}</Link> }]
      : []),
    ...(ADMIN_PERMISSIONS.some(can)
      ? [{ key: '/admin', icon: <SettingOutlined />, label: <Link to="/admin">{t('nav.admin')}</Link> }]
      : []),
    {
      key: 'api-docs',
      icon: <ApiOutlined />,
      label: (
        <a href="/swagger-ui/" target="_blank" rel="noreferrer">
          {t('nav.apiDocs')}
        </a>
      ),
    },
  ];
  const selected =
    ['/admin', '/pool', '/queues'].find((prefix) => location.pathname.startsWith(prefix)) ??
    (location.pathname === '/tickets/new' ? '/tickets/new' : '/tickets');

  return (
    <Layout className="ld-shell">
      <Layout.Header className="ld-header">
        {mobile ? (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label={t('nav.tickets')}
            onClick={() => setDrawerOpen(true)}
            data-testid="nav-toggle"
          />
        ) : null}
        <Link to="/tickets" className="ld-brand">
          {t('app.name')}
        </Link>
        {mobile ? (
          <div className="ld-header-spacer" />
        ) : (
          <Menu mode="horizontal" selectedKeys={[selected]} items={items} className="ld-header-menu" />
        )}
        <AvailabilitySwitch compact={mobile} />
        <NotificationBell />
        <LanguageSwitch />
        <UserMenu compact={mobile} />
      </Layout.Header>
      {mobile ? (
        <Drawer placement="left" open={drawerOpen} onClose={() => setDrawerOpen(false)} size={260} title={t('app.name')}>
          <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={() => setDrawerOpen(false)} />
        </Drawer>
      ) : null}
      <Layout.Content className="ld-content">{children ?? <Outlet />}</Layout.Content>
    </Layout>
  );
}
