import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, errorText, Schemas } from '../api/client';
import { useDelivery, useWebhooks, webhooksKey } from '../api/queries';
import { ConfirmButton } from './ConfirmButton';
import { formatTime } from './dates';
import { SecretField } from './SecretField';
import { WebhookForm } from './WebhookForm';

type Webhook = Schemas['WebhookResponse'];

/** The Webhook tab: the application's endpoints, and everything one can do to each. */
export function WebhooksPanel({ application }: { application: Schemas['ApplicationResponse'] }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Webhook>();
  const webhooks = useWebhooks(application.id);
  if (application.status !== 'active')
    return <Text c="dimmed">Webhooks can be added once provisioning has finished.</Text>;
  return (
    <Stack>
      <Group>
        <Button onClick={() => setAdding(true)}>Add notifications via webhook</Button>
      </Group>
      {webhooks.isError && <Text c="red">{errorText(webhooks.error)}</Text>}
      {adding && <WebhookForm applicationId={application.id} opened onClose={() => setAdding(false)} />}
      {editing && (
        <WebhookForm
          key={editing.id}
          applicationId={application.id}
          webhook={editing}
          opened
          onClose={() => setEditing(undefined)}
        />
      )}
      <Table aria-label="Webhooks" verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>URL</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Health</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {webhooks.data?.items.map((webhook) => (
            <WebhookRow key={webhook.id} webhook={webhook} onEdit={() => setEditing(webhook)} />
          ))}
        </Table.Tbody>
      </Table>
      {webhooks.isSuccess && webhooks.data.items.length === 0 && <Text c="dimmed">No webhooks yet.</Text>}
    </Stack>
  );
}

function WebhookRow({ webhook, onEdit }: { webhook: Webhook; onEdit: () => void }) {
  const client = useQueryClient();
  const path = { appId: webhook.applicationId, id: webhook.id };
  const [testDelivery, setTestDelivery] = useState<string>();
  const [secretOpened, secret] = useDisclosure(false);
  const refresh = () => client.invalidateQueries({ queryKey: webhooksKey(webhook.applicationId) });
  const toggle = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/v1/applications/{appId}/webhooks/{id}', {
          params: { path },
          body: { enabled: !webhook.enabled },
        }),
      ),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: () => call(api.POST('/v1/applications/{appId}/webhooks/{id}/test', { params: { path } })),
    onSuccess: (sent) => setTestDelivery(sent.deliveryId),
  });
  return (
    <Table.Tr>
      <Table.Td>{webhook.name}</Table.Td>
      <Table.Td>
        <Anchor
          href={webhook.url}
          target="_blank"
          rel="noreferrer"
          size="sm"
          style={{ wordBreak: 'break-all' }}
        >
          {webhook.url}
        </Anchor>
        {webhook.headers.length > 0 && (
          <Text size="xs" c="dimmed">
            Headers: {webhook.headers.map((h) => h.key).join(', ')}
          </Text>
        )}
        {webhook.ordering === 'subject' && (
          <Text size="xs" c="dimmed">
            One at a time per subject
          </Text>
        )}
        {webhook.signature === 'ed25519' && (
          <Text size="xs" c="dimmed">
            Signed with Ed25519
          </Text>
        )}
        {webhook.filter && (
          <Text size="xs" c="dimmed">
            Filter: <Code>{JSON.stringify(webhook.filter)}</Code>
          </Text>
        )}
        {webhook.rateLimit && (
          <Text size="xs" c="dimmed">
            At most {webhook.rateLimit.count} per {webhook.rateLimit.per}
            {webhook.waitingForTurn > 0 && ` · ${webhook.waitingForTurn} waiting for their turn`}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {webhook.enabled ? (
          <Badge color="green">enabled</Badge>
        ) : (
          <>
            <Badge color="gray">disabled</Badge>
            {webhook.disabledReason && (
              <Text size="xs" c="dimmed">
                {webhook.disabledReason}
              </Text>
            )}
          </>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {webhook.failingSince ? `failing since ${formatTime(webhook.failingSince)}` : 'healthy'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={6}>
          <Button size="xs" variant="default" onClick={onEdit}>
            Edit
          </Button>
          <Button size="xs" variant="default" onClick={() => toggle.mutate()} loading={toggle.isPending}>
            {webhook.enabled ? 'Disable' : 'Enable'}
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => test.mutate()}
            loading={test.isPending}
            disabled={!webhook.enabled}
          >
            Send test event
          </Button>
          <Button size="xs" variant="default" onClick={secret.open}>
            Signing secret
          </Button>
          {webhook.filter && <FilterTestButton webhook={webhook} />}
          <ConfirmButton
            label="Delete"
            title={`Delete the webhook ${webhook.name}?`}
            message="Its pending deliveries are cancelled and it receives nothing more. This cannot be undone."
            onConfirm={async () => {
              await call(api.DELETE('/v1/applications/{appId}/webhooks/{id}', { params: { path } }));
              await refresh();
            }}
          />
        </Group>
        {(toggle.error ?? test.error) && (
          <Text c="red" size="xs" role="alert">
            {errorText(toggle.error ?? test.error)}
          </Text>
        )}
        {testDelivery && <TestResult applicationId={webhook.applicationId} deliveryId={testDelivery} />}
        <SigningSecret webhook={webhook} opened={secretOpened} onClose={secret.close} />
      </Table.Td>
    </Table.Tr>
  );
}

function TestResult({ applicationId, deliveryId }: { applicationId: string; deliveryId: string }) {
  const delivery = useDelivery(applicationId, deliveryId);
  const d = delivery.data;
  const text = !d
    ? 'Test event sent…'
    : d.status === 'succeeded'
      ? `Test event delivered (${d.lastStatusCode})`
      : d.status === 'failed'
        ? `Test event failed: ${d.lastError ?? `HTTP ${d.lastStatusCode}`}`
        : d.attemptCount > 0
          ? `Test event not delivered yet: ${d.lastError ?? `HTTP ${d.lastStatusCode}`} (retrying)`
          : 'Test event sent…';
  return (
    <Text size="xs" role="status" mt={4}>
      {text}
    </Text>
  );
}

function SigningSecret({
  webhook,
  opened,
  onClose,
}: {
  webhook: Webhook;
  opened: boolean;
  onClose: () => void;
}) {
  const [overlap, setOverlap] = useState('');
  const [generation, setGeneration] = useState(0);
  const path = { appId: webhook.applicationId, id: webhook.id };
  return (
    <Modal opened={opened} onClose={onClose} title={`Signing secret of ${webhook.name}`} size="lg">
      <Stack>
        <Text size="sm">
          {webhook.signature === 'ed25519'
            ? 'Receivers verify each delivery’s Ed25519 signature (v1a) with this public key; the secret key stays in the service.'
            : 'Receivers verify each delivery’s signature with it (Standard Webhooks).'}
        </Text>
        <SecretField
          key={generation}
          label="Signing secret"
          load={async () =>
            (await call(api.GET('/v1/applications/{appId}/webhooks/{id}/secret', { params: { path } })))
              .secret
          }
          actions={
            <ConfirmButton
              label="Rotate"
              title="Rotate the signing secret?"
              message="A new secret signs every delivery from now on; during the overlap each delivery carries both signatures."
              onConfirm={async () => {
                await call(
                  api.POST('/v1/applications/{appId}/webhooks/{id}/secret/rotate', {
                    params: { path },
                    body: overlap.trim() ? { overlap: overlap.trim() } : {},
                  }),
                );
                setGeneration((n) => n + 1);
              }}
            >
              <TextInput
                label="Overlap"
                description="How long the old secret still signs, like 1h or P1D"
                value={overlap}
                onChange={(e) => setOverlap(e.currentTarget.value)}
              />
            </ConfirmButton>
          }
        />
      </Stack>
    </Modal>
  );
}

/** "Test filter": whether an event with the data typed in would go to this webhook. */
function FilterTestButton({ webhook }: { webhook: Webhook }) {
  const [opened, box] = useDisclosure(false);
  const [data, setData] = useState('{\n  \n}');
  const [problem, setProblem] = useState<string>();
  const test = useMutation({
    mutationFn: (parsed: Record<string, unknown>) =>
      call(
        api.POST('/v1/applications/{appId}/webhooks/{id}/filter-test', {
          params: { path: { appId: webhook.applicationId, id: webhook.id } },
          body: { data: parsed },
        }),
      ),
  });
  const run = () => {
    try {
      setProblem(undefined);
      test.mutate(JSON.parse(data) as Record<string, unknown>);
    } catch {
      setProblem('The example data must be a JSON object');
    }
  };
  return (
    <>
      <Button size="xs" variant="default" onClick={box.open}>
        Test filter
      </Button>
      <Modal opened={opened} onClose={box.close} title={`Test the filter of ${webhook.name}`} size="lg">
        <Stack>
          <Code block>{JSON.stringify(webhook.filter, null, 2)}</Code>
          <Textarea
            label="Example event data"
            autosize
            minRows={4}
            styles={{ input: { fontFamily: 'monospace' } }}
            value={data}
            onChange={(e) => setData(e.currentTarget.value)}
            error={problem ?? (test.error ? errorText(test.error) : undefined)}
          />
          <Group>
            <Button onClick={run} loading={test.isPending}>
              Test filter
            </Button>
            {test.data && (
              <Text role="status" fw={500} c={test.data.matches ? '#1b5e20' : '#a61b1b'}>
                {test.data.matches
                  ? 'Matches: this event would be delivered'
                  : 'No match: this event would not be delivered'}
              </Text>
            )}
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
