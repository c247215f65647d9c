import {
  Alert,
  Button,
  Code,
  Drawer,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, errorText, EventType, Schemas } from '../api/client';
import { useDelivery, useEventTypes, useWebhooks } from '../api/queries';
import { formatTime } from './dates';
import { StatusBadge } from './StatusBadge';

type FailedDelivery = Schemas['FailedDeliveryView'];

/** `datetime-local` input value (local time) → ISO 8601, or undefined when empty. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The deliveries that finally failed: filter, page, open one, retry it (its row follows the retry). */
export function FailedDeliveriesPanel({ application }: { application: Schemas['ApplicationResponse'] }) {
  const appId = application.id;
  const [eventType, setEventType] = useState<string | null>(null);
  const [webhookId, setWebhookId] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [subjectFilter] = useDebouncedValue(subject.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [opened, setOpened] = useState<string>();
  const webhooks = useWebhooks(appId);
  const types = useEventTypes();
  const failed = useInfiniteQuery({
    queryKey: ['failed-deliveries', appId, eventType, webhookId, subjectFilter, from, to],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/v1/applications/{appId}/webhooks/failed-deliveries', {
          params: {
            path: { appId },
            query: {
              cursor: pageParam,
              limit: 25,
              eventType: (eventType ?? undefined) as EventType | undefined,
              webhookId: webhookId ?? undefined,
              subject: subjectFilter || undefined,
              from: isoOf(from),
              to: isoOf(to),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // A changed filter keeps the rows shown until the new ones arrive.
    placeholderData: keepPreviousData,
  });
  const rows = failed.data?.pages.flatMap((p) => p.items) ?? [];
  const webhookOptions = webhooks.data?.items.map((w) => ({ value: w.id, label: w.name })) ?? [];
  return (
    <Stack>
      <Title order={2} size="h3">
        Failed Webhook Deliveries
      </Title>
      <Group align="end">
        <Select
          label="Event type"
          clearable
          placeholder="Any"
          data={types.data?.items.map((t) => t.type) ?? []}
          value={eventType}
          onChange={setEventType}
        />
        <Select
          label="Webhook"
          clearable
          placeholder="Any"
          data={webhookOptions}
          value={webhookId}
          onChange={setWebhookId}
        />
        <TextInput
          label="Subject"
          placeholder="appl_…"
          value={subject}
          onChange={(e) => setSubject(e.currentTarget.value)}
        />
        <TextInput
          label="From"
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          label="To"
          type="datetime-local"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
        <Button variant="default" onClick={() => failed.refetch()} loading={failed.isRefetching}>
          Refresh
        </Button>
      </Group>
      {failed.isError && <Text c="red">{errorText(failed.error)}</Text>}
      <Table.ScrollContainer minWidth={900}>
        <Table aria-label="Failed Webhook Deliveries" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>EVENT_ID</Table.Th>
              <Table.Th>EVENT_TYPE</Table.Th>
              <Table.Th>SUBJECT</Table.Th>
              <Table.Th>ERROR_MESSAGE</Table.Th>
              <Table.Th>WEBHOOK</Table.Th>
              <Table.Th>ATTEMPTS</Table.Th>
              <Table.Th>LAST_ATTEMPT</Table.Th>
              <Table.Th>STATUS</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <FailedRow
                key={row.deliveryId}
                appId={appId}
                row={row}
                onOpen={() => setOpened(row.deliveryId)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {failed.isSuccess && rows.length === 0 && (
        <Text c="dimmed">
          No failed deliveries{eventType || webhookId || subject || from || to ? ' match these filters' : ''}.
        </Text>
      )}
      {failed.hasNextPage && (
        <Button variant="default" onClick={() => failed.fetchNextPage()} loading={failed.isFetchingNextPage}>
          Load more
        </Button>
      )}
      <RecoverSince appId={appId} webhooks={webhookOptions} />
      <Drawer
        opened={opened !== undefined}
        onClose={() => setOpened(undefined)}
        title="Delivery"
        position="right"
        size="xl"
      >
        {opened && <DeliveryDetails appId={appId} deliveryId={opened} />}
      </Drawer>
    </Stack>
  );
}

function FailedRow({ appId, row, onOpen }: { appId: string; row: FailedDelivery; onOpen: () => void }) {
  const retry = useMutation({
    mutationFn: () =>
      call(
        api.POST('/v1/applications/{appId}/deliveries/{deliveryId}/retry', {
          params: { path: { appId, deliveryId: row.deliveryId } },
        }),
      ),
  });
  return (
    <Table.Tr>
      <Table.Td>
        <UnstyledButton onClick={onOpen} aria-label={`Open delivery of ${row.eventId}`}>
          <Code>{row.eventId}</Code>
        </UnstyledButton>
      </Table.Td>
      <Table.Td>{row.eventType}</Table.Td>
      <Table.Td>{row.subject ?? '—'}</Table.Td>
      <Table.Td>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {row.errorMessage}
        </Text>
      </Table.Td>
      <Table.Td>{row.webhookName}</Table.Td>
      <Table.Td>{row.attemptCount}</Table.Td>
      <Table.Td>{formatTime(row.lastAttemptAt)}</Table.Td>
      <Table.Td>
        {retry.isSuccess ? (
          <RetriedStatus appId={appId} deliveryId={row.deliveryId} />
        ) : (
          <Button
            size="xs"
            onClick={() => retry.mutate()}
            loading={retry.isPending}
            aria-label={`Retry ${row.eventId}`}
          >
            Retry
          </Button>
        )}
        {retry.isError && (
          <Text c="red" size="xs" role="alert">
            {errorText(retry.error)}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** A retried row's status, followed until the retry ends. */
function RetriedStatus({ appId, deliveryId }: { appId: string; deliveryId: string }) {
  const delivery = useDelivery(appId, deliveryId);
  return (
    <span role="status">
      <StatusBadge status={delivery.data?.status ?? 'pending'} />
    </span>
  );
}

function DeliveryDetails({ appId, deliveryId }: { appId: string; deliveryId: string }) {
  const delivery = useDelivery(appId, deliveryId);
  if (delivery.isError) return <Text c="red">{errorText(delivery.error)}</Text>;
  const d = delivery.data;
  if (!d) return <Text>Loading…</Text>;
  return (
    <Stack>
      <Group>
        <Code>{d.eventId}</Code>
        <Text>{d.eventType}</Text>
        <StatusBadge status={d.status} />
      </Group>
      {d.payloadErased && (
        <Alert color="gray" title="Payload erased">
          {d.payloadErasedBy === 'erasure'
            ? 'Its subject was erased: the event’s data and the receivers’ answers are gone.'
            : 'Past the application’s retention: the event’s data and the receivers’ answers are gone.'}{' '}
          It cannot be retried.
        </Alert>
      )}
      <Table aria-label="Attempts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Attempt</Table.Th>
            <Table.Th>Time</Table.Th>
            <Table.Th>Status code</Table.Th>
            <Table.Th>Duration</Table.Th>
            <Table.Th>Answer</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(d.attempts ?? []).map((a) => (
            <Table.Tr key={`${a.series}-${a.attempt}`}>
              <Table.Td>
                {a.series > 1 ? `${a.series}.` : ''}
                {a.attempt}
              </Table.Td>
              <Table.Td>{formatTime(a.startedAt)}</Table.Td>
              <Table.Td>{a.statusCode ?? '—'}</Table.Td>
              <Table.Td>{a.durationMs} ms</Table.Td>
              <Table.Td>
                <Code block>{a.responseBody || '—'}</Code>
              </Table.Td>
              <Table.Td>{a.error ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function RecoverSince({ appId, webhooks }: { appId: string; webhooks: { value: string; label: string }[] }) {
  const [webhookId, setWebhookId] = useState<string | null>(null);
  const [since, setSince] = useState('');
  const params = { path: { appId, id: webhookId! } };
  const recover = useMutation({
    mutationFn: () =>
      call(
        api.POST('/v1/applications/{appId}/webhooks/{id}/recover', {
          params,
          body: { since: isoOf(since)! },
        }),
      ),
  });
  const replay = useMutation({
    mutationFn: () =>
      call(
        api.POST('/v1/applications/{appId}/webhooks/{id}/replay-missed', {
          params,
          body: { since: isoOf(since)! },
        }),
      ),
  });
  const recovered = recover.data;
  const replayed = replay.data;
  const failure = recover.error ?? replay.error;
  return (
    <Stack gap="xs" component="section" aria-label="Recover since">
      <Title order={3} size="h5">
        Recover a webhook’s failed deliveries, or replay what it missed
      </Title>
      <Group align="end">
        <Select label="Webhook to recover" data={webhooks} value={webhookId} onChange={setWebhookId} />
        <TextInput
          label="Since"
          type="datetime-local"
          value={since}
          onChange={(e) => setSince(e.currentTarget.value)}
        />
        <Button onClick={() => recover.mutate()} disabled={!webhookId || !since} loading={recover.isPending}>
          Recover since
        </Button>
        <Button
          variant="default"
          title="Deliver the events since then that the webhook has no delivery of (it was disabled)"
          onClick={() => replay.mutate()}
          disabled={!webhookId || !since}
          loading={replay.isPending}
        >
          Replay missed
        </Button>
      </Group>
      {failure && (
        <Text c="red" size="sm" role="alert">
          {errorText(failure)}
        </Text>
      )}
      {recovered && (
        <Text size="sm" role="status">
          {recovered.retried !== undefined
            ? `${recovered.retried} retried, ${recovered.skipped ?? 0} skipped.`
            : `Recovery under way (${recovered.workflowId}).`}
        </Text>
      )}
      {replayed && (
        <Text size="sm" role="status">
          {replayed.opened !== undefined
            ? `${replayed.opened} missed events delivered now; ${replayed.delivered ?? 0} had a delivery, ` +
              `${replayed.notTaken ?? 0} not taken by the webhook, ${replayed.erased ?? 0} erased (not sent).` +
              (replayed.continueFrom
                ? ` More remain: replay again since ${formatTime(replayed.continueFrom)}.`
                : '')
            : `Replay under way (${replayed.workflowId}).`}
        </Text>
      )}
    </Stack>
  );
}
