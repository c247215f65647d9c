import { AppShell, Button, Group, NavLink, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { Schemas } from '../api/client';
import { useSignOut } from '../session';

export function Layout({ session, children }: { session: Schemas['SessionResponse']; children: ReactNode }) {
  const signOut = useSignOut();
  const location = useLocation();
  const navigate = useNavigate();
  // Signing out leaves the application's address: the next sign-in may be another workspace's.
  const leave = () => signOut.mutate(undefined, { onSuccess: () => navigate('/', { replace: true }) });
  const portal = session.portal !== null;
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={portal ? undefined : { width: 220, breakpoint: 0 }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={2} size="h4">
            {portal ? 'Webhook portal' : 'Applications console'}
          </Title>
          <Group>
            <Text size="sm" c="dimmed">
              {session.workspaceName}
            </Text>
            <Button variant="default" size="xs" onClick={leave} loading={signOut.isPending}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {!portal && (
        <AppShell.Navbar p="xs" component="nav" aria-label="Main">
          <NavLink
            component={Link}
            to="/applications"
            label="Applications"
            active={location.pathname.startsWith('/applications')}
          />
        </AppShell.Navbar>
      )}
      <AppShell.Main component="main">{children}</AppShell.Main>
    </AppShell>
  );
}
