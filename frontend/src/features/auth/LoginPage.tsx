import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Button, Form, Input } from 'antd';
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
      <section className={styles.card} aria-labelledby="login-title">
        <div className={styles.brand}>{t('app.name')}</div>
        <p className={styles.tagline}>{t('app.tagline')}</p>
        <h1 id="login-title" className={styles.title}>
          {t('auth.title')}
        </h1>
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
      </section>
    </main>
  );
}

/** Only same-app paths: `?next=https://evil.example` must not become an open redirect. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}
