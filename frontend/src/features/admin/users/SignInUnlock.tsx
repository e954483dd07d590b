import { App, Button, Tag, Tooltip } from 'antd';
import { UnlockOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { formatDateTime } from '@/components/TimeText';
import { useInvalidate } from '../adminApi';

/**
 * While sign-in to the account is slowed down after wrong passwords (`sign_in_delayed_until`): a tag saying so
 * (until when, on hover) and a button that clears the wait. Nothing otherwise.
 */
export function SignInUnlock({ user, onUnlocked }: { user: Schemas['UserView']; onUnlocked?: (user: Schemas['UserView']) => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const unlock = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users/{id}/sign-in-unlock', { params: { path: { id: user.id } } })),
    onSuccess: (updated) => {
      void message.success(t('users.signInUnlocked', { name: updated.name }));
      void invalidate('users');
      onUnlocked?.(updated);
    },
    onError: (error) =>
      void message.error(error instanceof ApiProblem && error.detail ? error.detail : t('users.signInUnlockFailed')),
  });
  if (!user.sign_in_delayed_until) return null;
  return (
    <span data-testid="sign-in-delayed">
      <Tooltip title={t('users.signInDelayedUntil', { time: formatDateTime(user.sign_in_delayed_until) })}>
        <Tag color="orange">{t('users.signInDelayed')}</Tag>
      </Tooltip>
      <Button
        size="small"
        icon={<UnlockOutlined />}
        loading={unlock.isPending}
        onClick={(event) => {
          event.stopPropagation();
          unlock.mutate();
        }}
        aria-label={t('users.unlockSignInNamed', { name: user.name })}
        data-testid="unlock-sign-in"
      >
        {t('users.unlockSignIn')}
      </Button>
    </span>
  );
}
