import { Alert, Button, Group, Paper, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormEvent, useEffect, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { api, ApiFailure, call, errorText, Schemas } from '../api/client';

const ENCRYPTION_METHODS = [
  {
    value: 'AES-256-GCM',
    description: 'Authenticated encryption: choose it unless a receiver cannot do GCM.',
  },
  {
    value: 'AES-256-CBC',
    description: 'For receivers that only have CBC; each message also carries an HMAC-SHA256.',
  },
];

interface Fields {
  name: string;
  description: string;
  redirectUrl: string;
  encryptionMethod: string;
  mode: 'test' | 'live';
  retention: string;
  metadataRetention: string;
}

/** Create an application, or edit one (`/applications/:id/edit`); the API's errors show under their field. */
export function ApplicationFormPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const existing = useQuery({
    queryKey: ['application', id],
    queryFn: () => call(api.GET('/v1/applications/{id}', { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  const [fields, setFields] = useState<Fields>({
    name: '',
    description: '',
    redirectUrl: '',
    encryptionMethod: 'AES-256-GCM',
    mode: params.get('mode') === 'live' ? 'live' : 'test',
    retention: '',
    metadataRetention: '',
  });
  useEffect(() => {
    const a = existing.data;
    if (a) {
      setFields({
        name: a.name,
        description: a.description ?? '',
        redirectUrl: a.redirectUrl ?? '',
        encryptionMethod: a.encryptionMethod,
        mode: a.mode as Fields['mode'],
        retention: a.retention,
        metadataRetention: a.metadataRetention,
      });
    }
  }, [existing.data]);
  // One per form: a double submit, or a retry after a lost answer, creates one application.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const save = useMutation({
    mutationFn: async (): Promise<Schemas['ApplicationResponse']> => {
      const common = {
        name: fields.name,
        description: fields.description.trim() || null,
        redirectUrl: fields.redirectUrl.trim() || null,
        encryptionMethod: fields.encryptionMethod as Schemas['CreateApplicationDto']['encryptionMethod'],
        // Left empty: the defaults (30 days of payloads, 90 of metadata).
        ...(fields.retention.trim() && { retention: fields.retention.trim() }),
        ...(fields.metadataRetention.trim() && { metadataRetention: fields.metadataRetention.trim() }),
      };
      return id
        ? call(api.PATCH('/v1/applications/{id}', { params: { path: { id } }, body: common }))
        : call(
            api.POST('/v1/applications', {
              params: { header: { 'idempotency-key': idempotencyKey } },
              body: { ...common, mode: fields.mode },
            }),
          );
    },
    onSuccess: (application) => {
      client.setQueryData(['application', application.id], application);
      void client.invalidateQueries({ queryKey: ['applications'] });
      navigate(`/applications/${application.id}`);
    },
  });
  const failure = save.error instanceof ApiFailure ? save.error : undefined;
  const errorOf = (field: keyof Fields) => failure?.fieldError(field);
  const unplaced =
    save.error &&
    !failure?.namesAny([
      'name',
      'description',
      'redirectUrl',
      'encryptionMethod',
      'mode',
      'retention',
      'metadataRetention',
    ]);
  const set = (field: keyof Fields) => (value: string) => setFields((f) => ({ ...f, [field]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="lg" maw={640} component="form" onSubmit={submit} noValidate>
      <Stack>
        <Title order={1}>{id ? 'Edit application' : 'Create application'}</Title>
        {unplaced && <Alert color="red">{errorText(save.error)}</Alert>}
        <TextInput
          label="Application Name"
          required
          value={fields.name}
          onChange={(e) => set('name')(e.currentTarget.value)}
          error={errorOf('name')}
        />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          value={fields.description}
          onChange={(e) => set('description')(e.currentTarget.value)}
          error={errorOf('description')}
        />
        <TextInput
          label="Redirect URL"
          placeholder="https://example.com/verified"
          value={fields.redirectUrl}
          onChange={(e) => set('redirectUrl')(e.currentTarget.value)}
          error={errorOf('redirectUrl')}
        />
        <Radio.Group
          label="Encryption Method"
          required
          value={fields.encryptionMethod}
          onChange={set('encryptionMethod')}
          error={errorOf('encryptionMethod')}
        >
          <Stack gap="xs" mt="xs">
            {ENCRYPTION_METHODS.map((m) => (
              <Radio key={m.value} value={m.value} label={m.value} description={m.description} />
            ))}
          </Stack>
        </Radio.Group>
        <Group grow align="start">
          <TextInput
            label="Payload retention"
            description="How long event payloads and receivers’ answers are kept, like P30D (1 day to 1 year)"
            placeholder="P30D"
            value={fields.retention}
            onChange={(e) => set('retention')(e.currentTarget.value)}
            error={errorOf('retention')}
          />
          <TextInput
            label="Metadata retention"
            description="How long delivery records (IDs, status, errors) are kept: at least the payloads’, up to 3 years"
            placeholder="P90D"
            value={fields.metadataRetention}
            onChange={(e) => set('metadataRetention')(e.currentTarget.value)}
            error={errorOf('metadataRetention')}
          />
        </Group>
        {id ? (
          <Text size="sm" c="dimmed">
            Mode: {fields.mode} (fixed once created)
          </Text>
        ) : (
          <Radio.Group label="Mode" value={fields.mode} onChange={set('mode')} error={errorOf('mode')}>
            <Group mt="xs">
              <Radio value="test" label="Test" />
              <Radio value="live" label="Live" />
            </Group>
          </Radio.Group>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save changes
          </Button>
          <Button variant="default" onClick={() => navigate(-1)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
