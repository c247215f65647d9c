import { Alert, Center, Loader, Stack, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { errorText } from '../api/client';
import { useSignIn } from '../session';

/**
 * Where a portal link lands: its code is in the URL's fragment (never sent to a server), used once
 * to open a session scoped to one application, then removed from the address bar.
 */
export function PortalPage() {
  const signIn = useSignIn();
  const navigate = useNavigate();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const code = new URLSearchParams(window.location.hash.slice(1)).get('code') ?? '';
    window.history.replaceState(null, '', window.location.pathname);
    signIn.mutate(
      { portalCode: code },
      {
        onSuccess: (session) => navigate(`/applications/${session.portal!.applicationId}`, { replace: true }),
      },
    );
  }, [signIn, navigate]);
  return (
    <Center component="main" mih="100vh" p="md">
      <Stack align="center">
        <Title order={1} size="h2">
          Opening the portal
        </Title>
        {signIn.isError ? (
          <Alert color="red" title="This link cannot be used">
            {errorText(signIn.error)}
          </Alert>
        ) : (
          <Loader aria-label="Signing in" />
        )}
      </Stack>
    </Center>
  );
}
