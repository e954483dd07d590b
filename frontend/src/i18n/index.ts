import i18n, { type BackendModule } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { LANGUAGES, NAMESPACES, type Language } from './languages';

export const LANGUAGE_KEY = 'loopdesk.language';

/** Maps i18n languages to dayjs locales (relative times follow the UI language). */
const DAYJS_LOCALE: Record<Language, string> = { 'zh-CN': 'zh-cn', en: 'en' };

// One chunk per language and namespace: a user downloads only their language, and the
// admin or portal strings only when they open those screens.
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json');

const lazyLocales: BackendModule = {
  type: 'backend',
  init() {},
  read(language, namespace, callback) {
    const load = files[`./locales/${language}/${namespace}.json`];
    if (!load) {
      callback(new Error(`no translations for ${language}/${namespace}`), null);
      return;
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  },
};

export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : 'en';
}

i18n.on('languageChanged', (lng) => {
  const language = (LANGUAGES as readonly string[]).includes(lng) ? (lng as Language) : 'en';
  dayjs.locale(DAYJS_LOCALE[language]);
  document.documentElement.lang = language;
});

/** Resolves when the start namespaces of the detected language are loaded. */
export const i18nReady = i18n
  .use(lazyLocales)
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    // No fallback language: a zh-CN user downloads no English (both languages have every key,
    // see locales.test.ts), and an English user no Chinese.
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    // Chinese browsers report zh, zh-CN, zh-Hans-CN …: all of them get 简体中文.
    load: 'currentOnly',
    nonExplicitSupportedLngs: false,
    ns: ['common', 'tickets'],
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

/** Loads every namespace (tests render any screen without suspending). */
export function loadAllNamespaces(): Promise<void> {
  return i18n.loadNamespaces([...NAMESPACES]);
}

export default i18n;
