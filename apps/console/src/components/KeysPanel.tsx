import { Alert, Button, Fieldset, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, errorText, Schemas } from '../api/client';
import { ConfirmButton } from './ConfirmButton';
import { formatTime } from './dates';
import { IdentifierField, SecretField } from './SecretField';

type Application = Schemas['ApplicationResponse'];

/**
 * The Application ID (in clear: an identifier) and its two keys (masked, revealed on demand,
 * audited), versions and schedule.
 * A portal session changes nothing here, and sees the keys only when its link shows them.
 */
export function KeysPanel({
  application,
  portal,
}: {
  application: Application;
  portal: Schemas['PortalScopeView'] | null;
}) {
  const client = useQueryClient();
  const readOnly = portal !== null;
  const id = application.id;
  const [graceWindow, setGraceWindow] = useState('');
  const [privateKeyGeneration, setPrivateKeyGeneration] = useState(0);
  if (application.status !== 'active') {
    return <Text c="dimmed">The keys appear here when provisioning has finished.</Text>;
  }
  const credentials = () =>
    client.fetchQuery({
      queryKey: ['credentials', id, application.cryptoKeyVersion, privateKeyGeneration],
      queryFn: () => call(api.GET('/v1/applications/{id}/credentials', { params: { path: { id } } })),
      staleTime: Infinity,
    });
  const refreshApplication = () => client.invalidateQueries({ queryKey: ['application', id] });
  return (
    <Stack>
      <IdentifierField label="Application ID" value={id} />
      {portal && !portal.keys ? (
        <Alert color="gray">This portal link does not show the application’s keys.</Alert>
      ) : (
        <>
          <SecretField
            key={`crypto-key-${application.cryptoKeyVersion}`}
            label="Crypto Key"
            load={async () => (await credentials()).cryptoKey}
            actions={
              !readOnly && (
                <ConfirmButton
                  label="Regenerate"
                  title="Regenerate the Crypto Key?"
                  message="A new Crypto Key becomes current at once. The previous one stops working when the grace window ends (at once without one)."
                  onConfirm={async () => {
                    await call(
                      api.POST('/v1/applications/{id}/crypto-key/rotate', {
                        params: { path: { id } },
                        body: graceWindow.trim() ? { graceWindow: graceWindow.trim() } : {},
                      }),
                    );
                    await refreshApplication();
                    await client.invalidateQueries({ queryKey: ['crypto-key-versions', id] });
                  }}
                >
                  <TextInput
                    label="Grace window"
                    description="How long the previous key keeps working, like 1h or P1D; empty: not at all"
                    value={graceWindow}
                    onChange={(e) => setGraceWindow(e.currentTarget.value)}
                  />
                </ConfirmButton>
              )
            }
          />
          <SecretField
            key={`private-app-key-${privateKeyGeneration}`}
            label="Private App Key"
            load={async () => (await credentials()).privateAppKey}
            actions={
              !readOnly && (
                <ConfirmButton
                  label="Regenerate"
                  title="Regenerate the Private App Key?"
                  message="A new Private App Key is issued; the current one stops authenticating at once."
                  onConfirm={async () => {
                    await call(
                      api.POST('/v1/applications/{id}/private-app-key/regenerate', {
                        params: { path: { id } },
                      }),
                    );
                    setPrivateKeyGeneration((n) => n + 1);
                  }}
                />
              )
            }
          />
        </>
      )}
      <CryptoKeyVersions applicationId={id} version={application.cryptoKeyVersion} />
      <RotationSchedule application={application} readOnly={readOnly} />
    </Stack>
  );
}

function CryptoKeyVersions({
  applicationId,
  version,
}: {
  applicationId: string;
  version: number | null | undefined;
}) {
  const versions = useQuery({
    queryKey: ['crypto-key-versions', applicationId, version],
    queryFn: () =>
      call(api.GET('/v1/applications/{id}/crypto-key/versions', { params: { path: { id: applicationId } } })),
  });
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Crypto Key versions
      </Title>
      {versions.isError && <Text c="red">{errorText(versions.error)}</Text>}
      <Table aria-label="Crypto Key versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Works until</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.data?.items.map((v) => (
            <Table.Tr key={v.version}>
              <Table.Td>{v.version}</Table.Td>
              <Table.Td>{v.status}</Table.Td>
              <Table.Td>{formatTime(v.createdAt)}</Table.Td>
              <Table.Td>{v.status === 'current' ? '—' : formatTime(v.retiringUntil ?? v.revokedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function RotationSchedule({ application, readOnly }: { application: Application; readOnly: boolean }) {
  const client = useQueryClient();
  const id = application.id;
  const current = application.cryptoKeyRotation as Schemas['RotationScheduleView'] | null | undefined;
  const [every, setEvery] = useState(current?.every ?? '');
  const [grace, setGrace] = useState(current?.graceWindow ?? '');
  const done = () => client.invalidateQueries({ queryKey: ['application', id] });
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/v1/applications/{id}/crypto-key/rotation-schedule', {
          params: { path: { id } },
          body: { every: every.trim(), ...(grace.trim() && { graceWindow: grace.trim() }) },
        }),
      ),
    onSuccess: done,
  });
  const stop = useMutation({
    mutationFn: () =>
      call(api.DELETE('/v1/applications/{id}/crypto-key/rotation-schedule', { params: { path: { id } } })),
    onSuccess: done,
  });
  const failure = save.error ?? stop.error;
  return (
    <Fieldset legend="Rotation schedule">
      <Text size="sm" mb="xs">
        {current
          ? `The Crypto Key rotates every ${current.every} (grace window ${current.graceWindow}); next rotation ${formatTime(current.nextRunAt as string | null)}.`
          : 'The Crypto Key rotates only when you regenerate it.'}
      </Text>
      {!readOnly && (
        <Group align="end">
          <TextInput
            label="Rotate every"
            placeholder="P30D or 30d"
            value={every}
            onChange={(e) => setEvery(e.currentTarget.value)}
          />
          <TextInput
            label="Grace window"
            placeholder="P1D or 1d"
            value={grace}
            onChange={(e) => setGrace(e.currentTarget.value)}
          />
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save schedule
          </Button>
          {current && (
            <Button variant="default" onClick={() => stop.mutate()} loading={stop.isPending}>
              Stop rotating
            </Button>
          )}
        </Group>
      )}
      {failure && (
        <Text c="red" size="sm" role="alert" mt="xs">
          {errorText(failure)}
        </Text>
      )}
    </Fieldset>
  );
}
