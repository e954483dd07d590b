import { useMemo, useState, type HTMLAttributes } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Empty, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { QueryState } from '@/components/QueryState';
import { TimeText } from '@/components/TimeText';
import { useAllOrganizations, useGroups, useRoles, useUserPages, type UserFilters } from '../adminApi';
import { isInteractive, ScreenHeader, useIsPhone } from '../components';
import { useRoleLabel } from '../labels';
import { groupPath } from '../groups/groupTree';
import { SignInUnlock } from './SignInUnlock';
import { UserDrawer } from './UserDrawer';
import styles from '../admin.module.css';

type User = Schemas['UserView'];

/** Reads the filters from the URL, so a filtered list can be bookmarked and linked to. */
function filtersFrom(params: URLSearchParams): UserFilters {
  const number = (name: string) => {
    const value = Number(params.get(name));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const kind = params.get('kind');
  const active = params.get('active');
  return {
    q: params.get('q') || undefined,
    kind: kind === 'staff' || kind === 'customer' ? kind : undefined,
    role: params.get('role') || undefined,
    active: active === 'true' ? true : active === 'false' ? false : undefined,
    organization_id: number('organization_id'),
    group_id: number('group_id'),
  };
}

export function UsersPage() {
  const { t } = useTranslation(['admin', 'common']);
  const phone = useIsPhone();
  const roleLabel = useRoleLabel();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const [search, setSearch] = useState(filters.q ?? '');
  // Kept while the drawer closes, so its content does not flip to "new user" mid-animation.
  const [drawer, setDrawer] = useState<{ open: boolean; user: User | null }>({ open: false, user: null });
  const setEditing = (user: User | null) => setDrawer({ open: true, user });

  const users = useUserPages(filters);
  const roles = useRoles();
  const groups = useGroups();
  const organizations = useAllOrganizations();
  const organizationName = (id: number) => organizations.data?.find((o) => o.id === id)?.name ?? `#${id}`;
  const groupName = (id: number) => (groups.data ? groupPath(groups.data, id) || `#${id}` : `#${id}`);

  const setFilter = (name: keyof UserFilters, value: string | undefined) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === undefined || value === '') next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );
  };
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];

  const statusTag = (user: User) =>
    user.active ? <Tag color="green">{t('users.active')}</Tag> : <Tag>{t('users.inactive')}</Tag>;
  const membership = (user: User) =>
    user.kind === 'customer' ? (
      user.organization_id != null ? (
        <Tag>{organizationName(user.organization_id)}</Tag>
      ) : null
    ) : (
      user.group_ids.map((id) => <Tag key={id}>{groupName(id)}</Tag>)
    );

  const columns: TableColumnsType<User> = [
    {
      key: 'name',
      title: t('users.name'),
      render: (_, user) => (
        <div>
          <Typography.Link onClick={() => setEditing(user)} strong>
            {user.name}
          </Typography.Link>
          <span className={styles.secondary}>{user.email}</span>
          {phone ? (
            <div className={styles.rowMeta}>
              <Tag color={user.kind === 'staff' ? 'blue' : 'purple'}>{roleLabel(user.role)}</Tag>
              {user.active ? null : statusTag(user)}
              {membership(user)}
              <SignInUnlock user={user} />
            </div>
          ) : null}
        </div>
      ),
    },
    {
      key: 'role',
      title: t('users.role'),
      responsive: ['md'],
      render: (_, user) => (
        <div>
          <Tag color={user.kind === 'staff' ? 'blue' : 'purple'}>{roleLabel(user.role)}</Tag>
          <span className={styles.secondary}>{t(`users.kind.${user.kind}`)}</span>
        </div>
      ),
    },
    {
      key: 'membership',
      title: t('users.membership'),
      responsive: ['lg'],
      render: (_, user) => <div className={styles.tagList}>{membership(user)}</div>,
    },
    {
      key: 'status',
      title: t('users.status'),
      responsive: ['md'],
      render: (_, user) => (
        <div className={styles.tagList}>
          {statusTag(user)}
          <SignInUnlock user={user} />
        </div>
      ),
    },
    {
      key: 'last_login',
      title: t('users.lastLogin'),
      responsive: ['xl'],
      render: (_, user) => <TimeText value={user.last_login_at} />,
    },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('actions')}</span>,
      align: 'right',
      width: 80,
      render: (_, user) => (
        <Button size="small" onClick={() => setEditing(user)} aria-label={t('users.editNamed', { name: user.name })}>
          {t('common:action.edit')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <ScreenHeader
        title={t('users.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>
            {t('users.new')}
          </Button>
        }
      >
        <div className={styles.filters} role="search">
          <Input.Search
            className={styles.search}
            aria-label={t('users.search')}
            placeholder={t('users.search')}
            allowClear
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (!e.target.value) setFilter('q', undefined);
            }}
            onSearch={(value) => setFilter('q', value.trim() || undefined)}
          />
          <Select
            aria-label={t('users.kindFilter')}
            placeholder={t('users.kindFilter')}
            allowClear
            value={filters.kind}
            onChange={(value?: string) => setFilter('kind', value)}
            options={[
              { value: 'staff', label: t('users.kind.staff') },
              { value: 'customer', label: t('users.kind.customer') },
            ]}
          />
          <Select
            aria-label={t('users.roleFilter')}
            placeholder={t('users.roleFilter')}
            allowClear
            value={filters.role}
            loading={roles.isPending}
            onChange={(value?: string) => setFilter('role', value)}
            options={(roles.data ?? []).map((role) => ({ value: role.name, label: roleLabel(role.name) }))}
          />
          <Select
            aria-label={t('users.statusFilter')}
            placeholder={t('users.statusFilter')}
            allowClear
            value={filters.active === undefined ? undefined : String(filters.active)}
            onChange={(value?: string) => setFilter('active', value)}
            options={[
              { value: 'true', label: t('users.active') },
              { value: 'false', label: t('users.inactive') },
            ]}
          />
        </div>
        {filters.organization_id || filters.group_id ? (
          <div className={styles.rowMeta}>
            {filters.organization_id ? (
              <Tag closable closeIcon={<CloseOutlined aria-label={t('users.clearFilter')} />} onClose={() => setFilter('organization_id', undefined)}>
                {t('users.inOrganization', { name: organizationName(filters.organization_id) })}
              </Tag>
            ) : null}
            {filters.group_id ? (
              <Tag closable closeIcon={<CloseOutlined aria-label={t('users.clearFilter')} />} onClose={() => setFilter('group_id', undefined)}>
                {t('users.inGroup', { name: groupName(filters.group_id) })}
              </Tag>
            ) : null}
          </div>
        ) : null}
      </ScreenHeader>

      <QueryState query={users}>
        {() => (
          <>
            <Table<User>
              rowKey="id"
              size={phone ? 'small' : 'middle'}
              columns={columns}
              dataSource={items}
              pagination={false}
              rowClassName={styles.clickable}
              onRow={(user) =>
                ({
                  'data-testid': 'user-row',
                  'data-email': user.email,
                  onClick: (event) => {
                    if (!isInteractive(event.target)) setEditing(user);
                  },
                }) as HTMLAttributes<HTMLElement>
              }
              locale={{
                emptyText: (
                  <Empty description={filtered ? t('users.noMatch') : t('users.empty')}>
                    {filtered ? (
                      <Button
                        onClick={() => {
                          setSearch('');
                          setParams(new URLSearchParams(), { replace: true });
                        }}
                      >
                        {t('clearFilters')}
                      </Button>
                    ) : null}
                  </Empty>
                ),
              }}
            />
            {users.hasNextPage ? (
              <div className={styles.loadMore}>
                <Button onClick={() => void users.fetchNextPage()} loading={users.isFetchingNextPage}>
                  {t('common:action.loadMore')}
                </Button>
              </div>
            ) : null}
          </>
        )}
      </QueryState>

      <UserDrawer
        open={drawer.open}
        user={drawer.user}
        onClose={() => setDrawer((current) => ({ ...current, open: false }))}
        onSaved={(saved) => setDrawer((current) => ({ ...current, user: saved }))}
      />
    </>
  );
}
