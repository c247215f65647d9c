import { Button, Code, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call, errorText } from '../api/client';
import { formatTime } from './dates';

/** Who did what to the application: creation, key reads and rotations, portal links. */
export function AuditLogPanel({ applicationId }: { applicationId: string }) {
  const audit = useInfiniteQuery({
    queryKey: ['audit', applicationId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/v1/applications/{id}/audit-events', {
          params: { path: { id: applicationId }, query: { cursor: pageParam, limit: 50 } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  if (audit.isError) return <Text c="red">{errorText(audit.error)}</Text>;
  const events = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Table aria-label="Audit log" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td>{formatTime(event.at)}</Table.Td>
              <Table.Td>{event.action}</Table.Td>
              <Table.Td>
                {event.actor.kind}
                {event.actor.id ? ` ${event.actor.id}` : ''}
              </Table.Td>
              <Table.Td>
                {Object.keys(event.details ?? {}).length > 0 && <Code>{JSON.stringify(event.details)}</Code>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {audit.hasNextPage && (
        <Button variant="default" onClick={() => audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
