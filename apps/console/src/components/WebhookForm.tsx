import {
  Alert,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Modal,
  NativeSelect,
  NumberInput,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormEvent, useState } from 'react';
import { api, ApiFailure, call, errorText, Schemas } from '../api/client';
import { useEventTypes, webhooksKey } from '../api/queries';

type Webhook = Schemas['WebhookResponse'];

/**
 * Add a webhook, or edit one. Custom headers are Key / Value rows; a header whose value looks like
 * a credential comes back masked, so the rows are sent only when they were changed.
 */
export function WebhookForm(props: {
  applicationId: string;
  webhook?: Webhook;
  opened: boolean;
  onClose: () => void;
}) {
  const { applicationId, webhook } = props;
  const client = useQueryClient();
  const [name, setName] = useState(webhook?.name ?? '');
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [eventTypes, setEventTypes] = useState<string[]>(webhook?.eventTypes ?? []);
  const [ordering, setOrdering] = useState<Webhook['ordering']>(webhook?.ordering ?? 'none');
  const [signature, setSignature] = useState<Webhook['signature']>(webhook?.signature ?? 'hmac-sha256');
  const [headers, setHeaders] = useState(webhook?.headers.map((h) => ({ ...h })) ?? []);
  const [headersChanged, setHeadersChanged] = useState(false);
  const [filterText, setFilterText] = useState(
    webhook?.filter ? JSON.stringify(webhook.filter, null, 2) : '',
  );
  const [filterProblem, setFilterProblem] = useState<string>();
  const [rateCount, setRateCount] = useState<number | string>(webhook?.rateLimit?.count ?? '');
  const [ratePer, setRatePer] = useState<'second' | 'minute'>(webhook?.rateLimit?.per ?? 'second');
  const types = useEventTypes();
  const editHeaders = (next: typeof headers) => {
    setHeaders(next);
    setHeadersChanged(true);
  };
  const save = useMutation({
    mutationFn: (filter: Record<string, unknown> | null) => {
      const body = {
        name,
        url,
        eventTypes,
        ordering,
        signature,
        filter,
        rateLimit: rateCount === '' ? null : { count: Number(rateCount), per: ratePer },
        ...((headersChanged || !webhook) && { headers }),
      };
      return webhook
        ? call(
            api.PATCH('/v1/applications/{appId}/webhooks/{id}', {
              params: { path: { appId: applicationId, id: webhook.id } },
              body,
            }),
          )
        : call(
            api.POST('/v1/applications/{appId}/webhooks', {
              params: { path: { appId: applicationId } },
              body,
            }),
          );
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: webhooksKey(applicationId) });
      props.onClose();
    },
  });
  const failure = save.error instanceof ApiFailure ? save.error : undefined;
  const placed = [
    'name',
    'url',
    'eventTypes',
    'ordering',
    'signature',
    'filter',
    'rateLimit',
    'rateLimit.count',
    'rateLimit.per',
    'headers',
    ...headers.flatMap((_, i) => [`headers.${i}`, `headers.${i}.key`, `headers.${i}.value`]),
  ];
  const unplaced = save.error && !failure?.namesAny(placed);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let filter: Record<string, unknown> | null = null;
    if (filterText.trim()) {
      try {
        filter = JSON.parse(filterText) as Record<string, unknown>;
      } catch {
        return setFilterProblem('Payload filter must be JSON, e.g. { "status": "approved" }');
      }
    }
    setFilterProblem(undefined);
    save.mutate(filter);
  };
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={webhook ? `Edit ${webhook.name}` : 'Add notifications via webhook'}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {unplaced && <Alert color="red">{errorText(save.error)}</Alert>}
          <TextInput
            label="Webhook Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={failure?.fieldError('name')}
          />
          <TextInput
            label="Webhook URL"
            required
            placeholder="https://example.com/webhooks"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={failure?.fieldError('url')}
          />
          <Checkbox.Group
            label="Event types"
            description="None checked: every event type"
            value={eventTypes}
            onChange={setEventTypes}
            error={failure?.fieldError('eventTypes')}
          >
            <Stack gap={6} mt="xs">
              {types.data?.items
                .filter((t) => t.type !== 'WEBHOOK_TEST')
                .map((t) => (
                  <Checkbox key={t.type} value={t.type} label={t.type} description={t.description} />
                ))}
            </Stack>
          </Checkbox.Group>
          <Radio.Group
            label="Delivery order"
            value={ordering}
            onChange={(value) => setOrdering(value as Webhook['ordering'])}
            error={failure?.fieldError('ordering')}
          >
            <Stack gap={6} mt="xs">
              <Radio
                value="none"
                label="As they come"
                description="The fastest: each event goes on its own"
              />
              <Radio
                value="subject"
                label="One at a time per subject"
                description="Events about one applicant arrive in the order they were accepted; the next waits until the one before succeeded or finally failed"
              />
            </Stack>
          </Radio.Group>
          <Radio.Group
            label="Signature"
            description="How receivers verify deliveries (Standard Webhooks). Changing it issues a new key; the previous one signs too for a day"
            value={signature}
            onChange={(value) => setSignature(value as Webhook['signature'])}
            error={failure?.fieldError('signature')}
          >
            <Stack gap={6} mt="xs">
              <Radio value="hmac-sha256" label="HMAC-SHA256" description="A shared whsec_ secret (v1)" />
              <Radio
                value="ed25519"
                label="Ed25519"
                description="Receivers verify with a whpk_ public key; the secret key never leaves the service (v1a)"
              />
            </Stack>
          </Radio.Group>
          <Textarea
            label="Payload filter"
            description='Only events whose data matches, e.g. { "status": { "$in": ["approved"] }, "score": { "$gte": 50 } }. Empty: every event of the types above'
            autosize
            minRows={2}
            styles={{ input: { fontFamily: 'monospace' } }}
            value={filterText}
            onChange={(e) => setFilterText(e.currentTarget.value)}
            error={filterProblem ?? failure?.fieldError('filter')}
          />
          <Group align="start" wrap="nowrap">
            <NumberInput
              label="Rate limit"
              description="At most this many requests to the receiver (retries included); empty: no limit"
              placeholder="No limit"
              min={1}
              max={100000}
              allowDecimal={false}
              clampBehavior="none"
              value={rateCount}
              onChange={setRateCount}
              error={failure?.fieldError('rateLimit.count') ?? failure?.fieldError('rateLimit')}
              style={{ flex: 2 }}
            />
            <NativeSelect
              label="Per"
              description="Window"
              data={[
                { value: 'second', label: 'second' },
                { value: 'minute', label: 'minute' },
              ]}
              value={ratePer}
              onChange={(e) => setRatePer(e.currentTarget.value as 'second' | 'minute')}
              error={failure?.fieldError('rateLimit.per')}
              style={{ flex: 1 }}
            />
          </Group>
          <Stack gap="xs">
            <Text fw={500} size="sm">
              Custom headers
            </Text>
            {webhook && webhook.headers.length > 0 && !headersChanged && (
              <Text size="xs" c="dimmed">
                Values that look like credentials are masked: type them again if you change the headers.
              </Text>
            )}
            {failure?.fieldError('headers') && (
              <Text c="red" size="sm" role="alert">
                {failure.fieldError('headers')}
              </Text>
            )}
            {headers.map((header, index) => (
              <Group key={index} align="start" wrap="nowrap" role="group" aria-label={`Header ${index + 1}`}>
                <TextInput
                  label="Key"
                  value={header.key}
                  onChange={(e) =>
                    editHeaders(
                      headers.map((h, i) => (i === index ? { ...h, key: e.currentTarget.value } : h)),
                    )
                  }
                  error={
                    failure?.fieldError(`headers.${index}.key`) ?? failure?.fieldError(`headers.${index}`)
                  }
                  style={{ flex: 1 }}
                />
                <TextInput
                  label="Value"
                  value={header.value}
                  onChange={(e) =>
                    editHeaders(
                      headers.map((h, i) => (i === index ? { ...h, value: e.currentTarget.value } : h)),
                    )
                  }
                  error={failure?.fieldError(`headers.${index}.value`)}
                  style={{ flex: 1 }}
                />
                <CloseButton
                  mt={26}
                  aria-label={`Remove header ${index + 1}`}
                  onClick={() => editHeaders(headers.filter((_, i) => i !== index))}
                />
              </Group>
            ))}
            <Button
              variant="light"
              onClick={() => editHeaders([...headers, { key: '', value: '' }])}
              style={{ alignSelf: 'start' }}
            >
              Add response headers
            </Button>
          </Stack>
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
