import { Avatar, Dropdown, Space, Typography } from 'antd';
import { BellOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth, useCurrentUser } from '@/auth/AuthProvider';

/** The signed-in user's name and role, with the notification settings and sign-out. */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const roleLabel = t(`role.${user.role}` as 'role.admin', { defaultValue: user.role });
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'notification-settings', icon: <BellOutlined />, label: t('notifications.settings') },
          { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout') },
        ],
        onClick: async ({ key }) => {
          if (key === 'notification-settings') {
            void navigate(user.kind === 'customer' ? '/portal/settings/notifications' : '/settings/notifications');
          }
          if (key === 'logout') {
            await logout();
            navigate('/login', { replace: true });
          }
        },
      }}
    >
      <button type="button" className="ld-user-button" aria-label={`${user.name} (${roleLabel})`} data-testid="user-menu">
        <Space size={8}>
          <Avatar size="small" icon={<UserOutlined />} />
          {compact ? null : (
            <span className="ld-user-text">
              <Typography.Text strong>{user.name}</Typography.Text>
              <Typography.Text type="secondary" className="ld-user-role">
                {roleLabel}
              </Typography.Text>
            </span>
          )}
        </Space>
      </button>
    </Dropdown>
  );
}
