import {
  Anchor,
  Badge,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call, errorText } from '../api/client';
import { formatTime } from '../components/dates';
import { StatusBadge } from '../components/StatusBadge';

export function ApplicationsPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const mode = params.get('mode') === 'live' ? 'live' : 'test';
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const applications = useInfiniteQuery({
    queryKey: ['applications', mode, debounced],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/v1/applications', {
          params: { query: { mode, search: debounced || undefined, cursor: pageParam, limit: 50 } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = applications.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Applications</Title>
        <Button onClick={() => navigate(`/applications/new?mode=${mode}`)}>Create application</Button>
      </Group>
      <Group align="end">
        <SegmentedControl
          aria-label="Mode"
          value={mode}
          onChange={(value) => setParams({ mode: value })}
          data={[
            { label: 'Test', value: 'test' },
            { label: 'Live', value: 'live' },
          ]}
        />
        <TextInput
          label="Search by name"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
        />
      </Group>
      {applications.isError && <Text c="red">{errorText(applications.error)}</Text>}
      <Table striped highlightOnHover aria-label="Applications">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Mode</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((application) => (
            <Table.Tr key={application.id}>
              <Table.Td>
                <Anchor component={Link} to={`/applications/${application.id}`}>
                  {application.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge color={application.mode === 'live' ? 'teal' : 'gray'}>{application.mode}</Badge>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={application.status} />
              </Table.Td>
              <Table.Td>{formatTime(application.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {applications.isSuccess && items.length === 0 && (
        <Text c="dimmed">
          No {mode} applications{debounced ? ` whose name contains “${debounced}”` : ''} yet.
        </Text>
      )}
      {applications.hasNextPage && (
        <Button
          variant="default"
          onClick={() => applications.fetchNextPage()}
          loading={applications.isFetchingNextPage}
        >
          Load more
        </Button>
      )}
    </Stack>
  );
}
