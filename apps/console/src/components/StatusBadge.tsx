import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  active: 'green',
  succeeded: 'green',
  provisioning: 'blue',
  pending: 'blue',
  failed: 'red',
  deleting: 'orange',
  cancelled: 'gray',
};

/** An application's or a delivery's status; screen readers read the word, not the colour. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge color={COLORS[status] ?? 'gray'}>{status}</Badge>;
}
