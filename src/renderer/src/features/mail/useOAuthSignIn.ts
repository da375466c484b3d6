import { useCallback, useRef, useState } from 'react';
import type { Input } from '@shared/api/contract';
import type { OAuthSignedIn } from '@shared/api/contract/mail';
import { useApi } from '../../app/api';

export type OAuthSignInState =
  | { phase: 'idle' }
  | { phase: 'waiting'; url: string | null }
  | { phase: 'done'; signedIn: OAuthSignedIn }
  | { phase: 'failed'; error: unknown };

/**
 * A browser sign-in: the owner starts the loopback listener and, in the app, opens the system
 * browser; in browser mode this page opens the provider's page in a new tab. The address is
 * shown as well, in case no browser opened.
 */
export function useOAuthSignIn() {
  const api = useApi();
  const [state, setState] = useState<OAuthSignInState>({ phase: 'idle' });
  const session = useRef<string | null>(null);

  const signIn = useCallback(
    async (input: Input<'mail.oauth.begin'>): Promise<OAuthSignedIn | null> => {
      setState({ phase: 'waiting', url: null });
      try {
        const started = await api.call('mail.oauth.begin', input);
        session.current = started.sessionId;
        if (!started.opened) window.open(started.authorizationUrl, '_blank', 'noopener,noreferrer');
        setState({ phase: 'waiting', url: started.authorizationUrl });
        const signedIn = await api.call('mail.oauth.complete', { sessionId: started.sessionId });
        setState({ phase: 'done', signedIn });
        return signedIn;
      } catch (error) {
        setState({ phase: 'failed', error });
        return null;
      } finally {
        session.current = null;
      }
    },
    [api],
  );

  const cancel = useCallback(() => {
    if (session.current) void api.call('mail.oauth.cancel', { sessionId: session.current });
  }, [api]);

  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, signIn, cancel, reset };
}
