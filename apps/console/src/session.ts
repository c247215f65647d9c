import { QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, isSessionEnded, Schemas } from './api/client';

export const SESSION_QUERY = ['session'];
export const SIGN_IN = 'sign-in';

/** Signed in (the session), never signed in, or signed in until the API said it ended. */
export type SessionState = Schemas['SessionResponse'] | { ended: boolean };

/** Forgets everything read under the previous session, and says who is signed in now. */
function switchSession(client: QueryClient, state: SessionState): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY[0] });
  client.setQueryData(SESSION_QUERY, state);
}

export const isSignedIn = (state: SessionState | undefined): state is Schemas['SessionResponse'] =>
  state !== undefined && 'workspaceId' in state;

export function useSession() {
  return useQuery<SessionState>({
    queryKey: SESSION_QUERY,
    queryFn: async () => {
      try {
        return await call(api.GET('/v1/console/session'));
      } catch (error) {
        if (isSessionEnded(error)) return { ended: false };
        throw error;
      }
    },
    staleTime: Infinity,
  });
}

/** Exchanges a workspace API token, or a portal link's code, for the session cookie. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationKey: [SIGN_IN],
    mutationFn: (body: Schemas['SignInDto']) => call(api.POST('/v1/console/session', { body })),
    onSuccess: (session) => switchSession(client, session),
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.DELETE('/v1/console/session')),
    onSuccess: () => switchSession(client, { ended: false }),
  });
}
