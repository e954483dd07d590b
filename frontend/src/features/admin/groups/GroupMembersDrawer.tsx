import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Drawer, Empty, Flex, Form, Popconfirm, Select, Skeleton, Tag, Typography } from 'antd';
import { DeleteOutlined, UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ProblemAlert } from '@/components/ProblemAlert';
import { useInvalidate, useStaffSearch, useUserPages } from '../adminApi';
import { useIsPhone } from '../components';
import { useRoleLabel } from '../labels';
import styles from '../admin.module.css';

type Group = Schemas['GroupView'];

/** A group's members, with adding (staff search) and removing through the members endpoints. */
export function GroupMembersDrawer({ open, group, onClose }: { open: boolean; group: Group | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const phone = useIsPhone();
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={phone ? '100%' : 480}
      title={group ? t('groups.membersOf', { name: group.name }) : t('groups.members')}
      destroyOnHidden
    >
      {group ? <Members group={group} /> : null}
    </Drawer>
  );
}

function Members({ group }: { group: Group }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const roleLabel = useRoleLabel();
  const invalidate = useInvalidate();
  const members = useUserPages({ group_id: group.id });
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<number | null>(null);
  const candidates = useStaffSearch(search);
  const [problem, setProblem] = useState<unknown>(null);

  const afterChange = () => {
    void invalidate('groups');
    void invalidate('users');
  };
  const add = useMutation({
    mutationFn: (userId: number) =>
      unwrap(api.PUT('/api/v1/groups/{id}/members/{user_id}', { params: { path: { id: group.id, user_id: userId } } })),
    onSuccess: () => {
      void message.success(t('groups.memberAdded'));
      setPicked(null);
      setSearch('');
      setProblem(null);
      afterChange();
    },
    onError: setProblem,
  });
  const remove = useMutation({
    mutationFn: (user: { id: number; name: string }) =>
      unwrap(api.DELETE('/api/v1/groups/{id}/members/{user_id}', { params: { path: { id: group.id, user_id: user.id } } })),
    onSuccess: (_, user) => {
      void message.success(t('groups.memberRemoved', { name: user.name }));
      setProblem(null);
      afterChange();
    },
    onError: setProblem,
  });

  const memberIds = new Set(group.member_ids);
  const options = (candidates.data?.items ?? [])
    .filter((u) => !memberIds.has(u.id))
    .map((u) => ({ value: u.id, label: u.name, email: u.email }));
  const list = members.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <Form
        layout="vertical"
        onFinish={() => {
          if (picked !== null) add.mutate(picked);
        }}
      >
        <Form.Item label={t('groups.addMember')} htmlFor="group-member-picker" extra={t('groups.addMemberHint')}>
          <Flex gap={8}>
            <Select<number>
              id="group-member-picker"
              style={{ flex: 1, minWidth: 0 }}
              value={picked ?? undefined}
              onChange={(value) => setPicked(value ?? null)}
              placeholder={t('groups.searchStaff')}
              allowClear
              showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
              loading={candidates.isFetching}
              notFoundContent={candidates.isFetching ? null : t('groups.noCandidates')}
              options={options}
              optionRender={(option) => (
                <div>
                  {option.label}
                  <span className={styles.secondary}>{option.data.email}</span>
                </div>
              )}
            />
            <Button type="primary" htmlType="submit" icon={<UserAddOutlined />} disabled={picked === null} loading={add.isPending}>
              {t('groups.add')}
            </Button>
          </Flex>
        </Form.Item>
      </Form>
      {problem ? <ProblemAlert error={problem} /> : null}

      <Typography.Title level={5} className={styles.section}>
        {t('groups.memberCount', { count: group.member_ids.length })}
      </Typography.Title>
      {members.isPending ? (
        <Skeleton active aria-busy="true" aria-label={t('common:state.loading')} />
      ) : members.isError ? (
        <ProblemAlert error={members.error} onRetry={() => void members.refetch()} />
      ) : list.length === 0 ? (
        <Empty description={t('groups.noMembers')} />
      ) : (
        <ul className={styles.optionList} aria-label={t('groups.members')}>
          {list.map((user) => (
            <li key={user.id} className={styles.optionItem} data-testid="group-member">
              <div className={styles.optionText}>
                <Typography.Text>{user.name}</Typography.Text> <Tag>{roleLabel(user.role)}</Tag>
                {user.active ? null : <Tag>{t('users.inactive')}</Tag>}
                <span className={styles.secondary}>{user.email}</span>
              </div>
              <Popconfirm
                title={t('groups.removeConfirm', { name: user.name, group: group.name })}
                okText={t('groups.remove')}
                okButtonProps={{ danger: true }}
                cancelText={t('common:action.cancel')}
                onConfirm={() => remove.mutateAsync(user).catch(() => undefined)}
              >
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('groups.removeNamed', { name: user.name })}
                  loading={remove.isPending && remove.variables?.id === user.id}
                />
              </Popconfirm>
            </li>
          ))}
        </ul>
      )}
      {members.hasNextPage ? (
        <div className={styles.loadMore}>
          <Button onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
            {t('common:action.loadMore')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
