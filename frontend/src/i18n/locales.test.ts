import { resources } from './resources';
import { LANGUAGES, NAMESPACES } from './languages';

// Without a fallback language (index.ts) a key missing in one language would show as the key:
// every namespace has the same keys in both, up to the plural forms each language has.
function keys(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix.replace(/_(zero|one|two|few|many|other)$/, '')];
  return Object.entries(tree).flatMap(([key, value]) => keys(value, prefix ? `${prefix}.${key}` : key));
}

describe('translations', () => {
  test.each(NAMESPACES)('%s has the same keys in every language', (namespace) => {
    const [first, ...others] = LANGUAGES.map((language) => [...new Set(keys(resources[language][namespace]))].sort());
    for (const other of others) expect(other).toEqual(first);
  });
});
