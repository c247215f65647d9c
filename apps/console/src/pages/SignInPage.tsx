import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiFailure, errorText } from '../api/client';
import { useSignIn } from '../session';

/** The token is sent once, in the body, and exchanged for an HttpOnly cookie; it is kept nowhere. */
export function SignInPage({ ended }: { ended: boolean }) {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const navigate = useNavigate();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A token may be another workspace's: what the address showed before is not its to show.
    signIn.mutate(
      { token: token.trim() },
      {
        onSuccess: () => {
          setToken('');
          navigate('/applications', { replace: true });
        },
      },
    );
  };
  const error = signIn.error;
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={440} component="form" onSubmit={submit} noValidate>
        <Stack>
          <Title order={1} size="h2">
            Sign in to the console
          </Title>
          {ended && !error && (
            <Alert color="yellow" title="Signed out">
              Your session has ended: sign in again.
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            Use your workspace API token (wst_…). It is exchanged for a session and not kept in this browser.
          </Text>
          <PasswordInput
            label="API token"
            required
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
            error={
              error &&
              (error instanceof ApiFailure ? (error.fieldError('token') ?? error.message) : errorText(error))
            }
          />
          <Button type="submit" loading={signIn.isPending} disabled={token.trim() === ''}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
