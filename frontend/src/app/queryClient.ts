import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from '@/api/problem';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        // Client mistakes (4xx) do not get better by asking again.
        retry: (count, error) => !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

/** The app's one query client: created with the module, so the start can fill it before React renders (router.tsx). */
export const queryClient = makeQueryClient();
