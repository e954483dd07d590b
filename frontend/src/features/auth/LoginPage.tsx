import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '@/auth/AuthProvider';
import { homeOf } from '@/auth/RequireAuth';
import { ProblemAlert } from '@/components/ProblemAlert';
import { LanguageSwitch } from '@/app/LanguageSwitch';
import styles from './LoginPage.module.css';

interface Credentials {
  email: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login, user } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next');

  if (user) return <Navigate to={safeNext(next) ?? homeOf(user.kind)} replace />;

  const submit = async ({ email, password }: Credentials) => {
    setBusy(true);
    setError(null);
    try {
      const signedIn = await login(email.trim(), password);
      navigate(safeNext(next) ?? homeOf(signedIn.kind), { replace: true });
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <div className={styles.language}>
        <LanguageSwitch />
      </div>
      <Card className={styles.card}>
        <Typography.Title level={2} className={styles.brand}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
        <Typography.Title level={4}>{t('auth.title')}</Typography.Title>
        {error ? (
          <div className={styles.error}>
            <ProblemAlert error={error} />
          </div>
        ) : null}
        <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false} disabled={busy}>
          <Form.Item
            label={t('auth.email')}
            name="email"
            rules={[
              { required: true, message: t('auth.emailRequired') },
              { type: 'email', message: t('auth.emailInvalid') },
            ]}
          >
            <Input autoComplete="username" autoFocus inputMode="email" />
          </Form.Item>
          <Form.Item label={t('auth.password')} name="password" rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}

/** Only same-app paths: `?next=https://evil.example` must not become an open redirect. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}
