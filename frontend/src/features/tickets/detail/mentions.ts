import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';
import { useDebouncedValue } from '../fields/useDebouncedValue';

/** What the server reads as one mention: letters of any script, digits, `.`, `_` and `-`, not ending in `.`. */
const HANDLE = /^[\p{L}\p{N}._-]*[\p{L}\p{N}_-]$/u;

/**
 * What `@` inserts for a colleague: the display name (`@李工`), or the e-mail's local part (`@emily.carter`)
 * when the name would not be read as one mention (a space, a middle dot …); null when neither works.
 */
export function mentionHandle(user: Pick<Schemas['UserView'], 'name' | 'email'>): string | null {
  if (HANDLE.test(user.name)) return user.name;
  const local = user.email.split('@')[0] ?? '';
  return HANDLE.test(local) ? local : null;
}

export interface MentionCandidate {
  id: number;
  name: string;
  email: string;
  handle: string;
}

/** Active staff matching what follows the `@` (the users API's search; none without `users_read`). */
export function useMentionCandidates(search: string | null) {
  const q = useDebouncedValue(search, 150);
  return useQuery({
    queryKey: ['users', 'mention', q],
    enabled: q !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    queryFn: async ({ signal }): Promise<MentionCandidate[]> => {
      const page = await unwrap(
        api.GET('/api/v1/users', { params: { query: { kind: 'staff', active: true, q: q || undefined, limit: 8 } }, signal }),
      );
      return page.items.flatMap((user) => {
        const handle = mentionHandle(user);
        return handle ? [{ id: user.id, name: user.name, email: user.email, handle }] : [];
      });
    },
  });
}
