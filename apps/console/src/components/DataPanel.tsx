import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call, Schemas } from '../api/client';
import { ConfirmButton } from './ConfirmButton';

type Erasure = Schemas['SubjectErasureResponse'];

/** The Data tab: how long the application's data is kept, and erasing what is kept about one subject. */
export function DataPanel({ application }: { application: Schemas['ApplicationResponse'] }) {
  const navigate = useNavigate();
  const [subject, setSubject] = useState('');
  const [erased, setErased] = useState<{ subject: string; erasure: Erasure }>();
  return (
    <Stack>
      <Stack gap="xs" component="section" aria-label="Retention">
        <Title order={2} size="h4">
          Retention
        </Title>
        <Text size="sm">
          Event payloads and receivers’ answers are kept {application.retention}; delivery records (IDs,
          status, errors) {application.metadataRetention}.
        </Text>
        <Group>
          <Button
            size="xs"
            variant="default"
            onClick={() => navigate(`/applications/${application.id}/edit`)}
          >
            Change retention
          </Button>
        </Group>
      </Stack>
      <Stack gap="xs" component="section" aria-label="Erase a subject">
        <Title order={2} size="h4">
          Erase a subject
        </Title>
        <Text size="sm" c="dimmed">
          Everything kept about one applicant (the events’ subject): its pending deliveries are cancelled, its
          events’ payloads and the receivers’ answers erased, and its data key destroyed.
        </Text>
        <Group align="end">
          <TextInput
            label="Subject"
            placeholder="appl_42"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <ConfirmButton
            label="Erase"
            title={`Erase everything about ${subject.trim() || 'this subject'}?`}
            message="Its payloads cannot be delivered or retried afterwards. This cannot be undone."
            confirmLabel="Erase"
            onConfirm={async () => {
              const target = subject.trim();
              const erasure = await call(
                api.DELETE('/v1/applications/{appId}/subjects/{subject}', {
                  params: { path: { appId: application.id, subject: target } },
                }),
              );
              setErased({ subject: target, erasure });
            }}
          />
        </Group>
        {erased && (
          <Text size="sm" role="status">
            {erased.erasure.keyDestroyed !== undefined
              ? `${erased.subject} erased. Payloads erased: ${erased.erasure.payloadsErased}; answers erased: ` +
                `${erased.erasure.answersErased}; pending deliveries cancelled: ${erased.erasure.deliveriesCancelled}; ` +
                `data key ${erased.erasure.keyDestroyed ? 'destroyed' : 'gone already'}.`
              : `Erasing ${erased.subject} (${erased.erasure.workflowId}).`}
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
