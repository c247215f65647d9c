import { Alert, Badge, Button, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, call, errorText } from '../api/client';
import { AuditLogPanel } from '../components/AuditLogPanel';
import { DataPanel } from '../components/DataPanel';
import { FailedDeliveriesPanel } from '../components/FailedDeliveriesPanel';
import { KeysPanel } from '../components/KeysPanel';
import { StatusBadge } from '../components/StatusBadge';
import { WebhooksPanel } from '../components/WebhooksPanel';
import { isSignedIn, useSession } from '../session';

const TABS = [
  { value: 'keys', label: 'Keys' },
  { value: 'webhook', label: 'Webhook' },
  { value: 'failed-deliveries', label: 'Failed Webhook Deliveries' },
  { value: 'audit', label: 'Audit log' },
  { value: 'data', label: 'Data', workspaceOnly: true },
];

/** One application: its keys, webhooks, failed deliveries and audit log, one tab each. */
export function ApplicationPage() {
  const { id, tab: chosen } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const portal = isSignedIn(session.data) ? session.data.portal : null;
  // A portal that hides the keys opens on what it is for: the webhooks.
  const opening = portal && !portal.keys ? 'webhook' : 'keys';
  // A portal session sees the application's deliveries, not its data settings.
  const tabs = TABS.filter((t) => !(portal && t.workspaceOnly));
  const tab = tabs.some((t) => t.value === chosen) ? chosen! : opening;
  const application = useQuery({
    queryKey: ['application', id],
    queryFn: () => call(api.GET('/v1/applications/{id}', { params: { path: { id: id! } } })),
    // Provisioning runs in a workflow: the page follows it until the keys exist.
    refetchInterval: (query) => (query.state.data?.status === 'provisioning' ? 1000 : false),
  });
  if (application.isPending) return <Loader aria-label="Loading the application" />;
  if (application.isError) return <Alert color="red">{errorText(application.error)}</Alert>;
  const app = application.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1}>{app.name}</Title>
          <Badge color={app.mode === 'live' ? 'teal' : 'gray'}>{app.mode}</Badge>
          <StatusBadge status={app.status} />
        </Group>
        {!portal && (
          <Button variant="default" onClick={() => navigate(`/applications/${app.id}/edit`)}>
            Edit
          </Button>
        )}
      </Group>
      {app.description && <Text c="dimmed">{app.description}</Text>}
      {app.status === 'provisioning' && (
        <Alert color="blue" title="Provisioning" icon={<Loader size="xs" aria-hidden />}>
          Generating the Application ID, Crypto Key and Private App Key: this page updates by itself.
        </Alert>
      )}
      <Tabs value={tab} onChange={(t) => navigate(`/applications/${app.id}/${t}`)} keepMounted={false}>
        <Tabs.List>
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="keys" pt="md">
          <KeysPanel application={app} portal={portal} />
        </Tabs.Panel>
        <Tabs.Panel value="webhook" pt="md">
          <WebhooksPanel application={app} />
        </Tabs.Panel>
        <Tabs.Panel value="failed-deliveries" pt="md">
          <FailedDeliveriesPanel application={app} />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditLogPanel applicationId={app.id} />
        </Tabs.Panel>
        {!portal && (
          <Tabs.Panel value="data" pt="md">
            <DataPanel application={app} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
