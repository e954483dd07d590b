import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/api/client';
import type { Schemas } from '@/api/client';
import { endSession, getUser, hasStoredSession, refreshSession, startSession, subscribe, type CurrentUser } from './session';

type Permission = Schemas['Permission'];

interface AuthContextValue {
  /** `restoring` while a stored session is being resumed after a reload. */
  status: 'restoring' | 'anonymous' | 'signed_in';
  user: CurrentUser | null;
  login: (email: string, password: string) => Promise<CurrentUser>;
  logout: () => Promise<void>;
  can: (permission: Permission) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const user = useSyncExternalStore(subscribe, getUser);
  const [restoring, setRestoring] = useState(() => !getUser() && hasStoredSession());

  useEffect(() => {
    if (!restoring) return;
    void refreshSession().finally(() => setRestoring(false));
  }, [restoring]);

  // Whoever signs in next must not see the previous user's cached tickets.
  useEffect(() => subscribe(() => !getUser() && queryClient.clear()), [queryClient]);

  const login = useCallback(async (email: string, password: string) => {
    // The refresh token stays in the HttpOnly cookie: no script of the page ever sees it.
    const tokens = await unwrap(
      api.POST('/api/v1/auth/login', { body: { email, password }, params: { header: { 'X-Token-Delivery': 'cookie' } } }),
    );
    startSession(tokens);
    return tokens.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      // The cookie names the session; the server ends it and clears the cookie.
      await api.POST('/api/v1/auth/logout', {});
    } finally {
      endSession();
    }
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      status: restoring ? 'restoring' : user ? 'signed_in' : 'anonymous',
      user,
      login,
      logout,
      can: (permission) => user?.permissions.includes(permission) ?? false,
    }),
    [restoring, user, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only for screens behind `RequireAuth`. */
export function useCurrentUser(): CurrentUser {
  const { user } = useAuth();
  if (!user) throw new Error('useCurrentUser without a signed-in user');
  return user;
}
