import 'i18next';
import type { resources } from './resources';

// Typed keys: `t('tickets:list.title')` fails to compile when the key is missing in English.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: (typeof resources)['en'];
    returnNull: false;
  }
}
