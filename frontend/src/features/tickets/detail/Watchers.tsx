import { useState } from 'react';
import { Button, Space, Tag } from 'antd';
import { EyeInvisibleOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '@/auth/AuthProvider';
import { ProblemAlert } from '@/components/ProblemAlert';
import { UserSelect } from '../fields/UserSelect';
import { useDirectory } from './directory';
import { useAddWatcher, useRemoveWatcher, useWatchers } from './watchersApi';
import styles from './TicketDetail.module.css';

/**
 * Watch / Unwatch for the signed-in staff member, the names of everyone watching, and — with
 * `tickets_assign` — adding (and removing) colleagues.
 */
export function Watchers({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { can, user } = useAuth();
  const { userName } = useDirectory();
  const watchers = useWatchers(ticketId);
  const add = useAddWatcher(ticketId);
  const remove = useRemoveWatcher(ticketId);
  const [picked, setPicked] = useState<number | null>(null);
  const canAssign = can('tickets_assign');
  const ids = watchers.data?.user_ids ?? [];
  const me = user?.id ?? null;
  const watching = me !== null && ids.includes(me);
  const nameOf = (id: number) => (id === me && user ? user.name : userName(id));
  const error = add.error ?? remove.error;

  return (
    <section className={styles.watchers} data-testid="watchers" aria-labelledby="ticket-watchers">
      <h2 id="ticket-watchers" className={styles.cardTitle}>
        {t('watchers.title')}
      </h2>
      {watchers.isError ? (
        <ProblemAlert error={watchers.error} onRetry={() => void watchers.refetch()} />
      ) : (
        <>
          <Button
            icon={watching ? <EyeInvisibleOutlined /> : <EyeOutlined />}
            data-testid="watch-toggle"
            data-watching={watching}
            aria-pressed={watching}
            disabled={watchers.isPending || me === null}
            loading={(add.isPending && add.variables === null) || (remove.isPending && remove.variables === me)}
            onClick={() => (watching && me !== null ? remove.mutate(me) : add.mutate(null))}
          >
            {watching ? t('watchers.unwatch') : t('watchers.watch')}
          </Button>
          {ids.length === 0 ? (
            <p className={styles.muted}>{watchers.isPending ? t('common:state.loading') : t('watchers.none')}</p>
          ) : (
            <ul className={styles.watcherList} data-testid="watcher-list" aria-label={t('watchers.title')}>
              {ids.map((id) => (
                <li key={id}>
                  <Tag
                    data-testid="watcher"
                    data-user-id={id}
                    closable={canAssign || id === me ? { 'aria-label': t('watchers.remove', { name: nameOf(id) }) } : false}
                    onClose={(event) => {
                      event.preventDefault();
                      remove.mutate(id);
                    }}
                  >
                    {id === me ? t('watchers.you', { name: nameOf(id) }) : nameOf(id)}
                  </Tag>
                </li>
              ))}
            </ul>
          )}
          {canAssign ? (
            <Space.Compact className={styles.watcherAdd}>
              <UserSelect
                kind="staff"
                value={picked}
                onChange={setPicked}
                placeholder={t('watchers.addPlaceholder')}
                aria-label={t('watchers.addPlaceholder')}
              />
              <Button
                icon={<PlusOutlined />}
                data-testid="watcher-add"
                disabled={picked === null || ids.includes(picked)}
                loading={add.isPending && add.variables !== null}
                onClick={() =>
                  picked !== null && add.mutate(picked, { onSuccess: () => setPicked(null) })
                }
              >
                {t('watchers.add')}
              </Button>
            </Space.Compact>
          ) : null}
          {error ? <ProblemAlert error={error} /> : null}
        </>
      )}
    </section>
  );
}
