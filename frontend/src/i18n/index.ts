import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { resources, type Language, LANGUAGES } from './resources';

export const LANGUAGE_KEY = 'loopdesk.language';

/** Maps i18n languages to dayjs locales (relative times follow the UI language). */
const DAYJS_LOCALE: Record<Language, string> = { 'zh-CN': 'zh-cn', en: 'en' };

export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : 'en';
}

i18n.on('languageChanged', (lng) => {
  const language = (LANGUAGES as readonly string[]).includes(lng) ? (lng as Language) : 'en';
  dayjs.locale(DAYJS_LOCALE[language]);
  document.documentElement.lang = language;
});

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    // Chinese browsers report zh, zh-CN, zh-Hans-CN …: all of them get 简体中文.
    load: 'currentOnly',
    nonExplicitSupportedLngs: false,
    ns: Object.keys(resources.en),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_KEY,
      caches: ['localStorage'],
      convertDetectedLanguage: (lng: string) => (lng.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'),
    },
    returnNull: false,
  });

export default i18n;
