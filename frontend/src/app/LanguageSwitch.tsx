import { Select } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import { LANGUAGES, type Language } from '@/i18n/languages';

/**
 * 简体中文 / English; i18next's detector remembers the choice in localStorage. Signed in, the choice is also the
 * language the server writes to you in (e-mail, notification titles): PUT /me/locale.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const choose = (lng: Language) => {
    void i18n.changeLanguage(lng);
    // Best effort: the screen has switched either way, and the next choice tries again.
    if (user) void api.PUT('/api/v1/me/locale', { body: { locale: lng } }).catch(() => undefined);
  };
  return (
    <Select<Language>
      aria-label={t('language.label')}
      value={i18n.language as Language}
      onChange={choose}
      options={LANGUAGES.map((lng) => ({ value: lng, label: t(`language.${lng}`) }))}
      prefix={<GlobalOutlined />}
      variant="borderless"
      popupMatchSelectWidth={false}
      data-testid="language-switch"
    />
  );
}
