import { Button, Group, Paper, Text } from '@mantine/core';
import { useClipboard } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { errorText } from '../api/client';

const MASK = '••••••••••••••••••••••••';

/**
 * A key or secret shown masked, with Reveal and Copy. `load` fetches it on first use (the API
 * audits each read), so a page that is only looked at reads no secret.
 */
export function SecretField(props: { label: string; load: () => Promise<string>; actions?: ReactNode }) {
  // Loaded once, on first use; its error shown below (an ended session leads back to sign-in).
  const secret = useMutation({ mutationFn: props.load });
  const value = secret.data;
  const [shown, setShown] = useState(false);
  const clipboard = useClipboard({ timeout: 1500 });
  const fetchValue = async () => value ?? (await secret.mutateAsync().catch(() => undefined));
  return (
    <ValueCard
      label={props.label}
      value={shown && value !== undefined ? value : MASK}
      testId="secret-value"
      error={secret.isError ? errorText(secret.error) : undefined}
    >
      <Button
        size="xs"
        variant="default"
        onClick={async () => {
          if (shown) return setShown(false);
          if ((await fetchValue()) !== undefined) setShown(true);
        }}
      >
        {shown ? 'Hide' : 'Reveal'}
      </Button>
      <Button
        size="xs"
        variant="default"
        onClick={async () => {
          const loaded = await fetchValue();
          if (loaded !== undefined) clipboard.copy(loaded);
        }}
      >
        {clipboard.copied ? 'Copied' : 'Copy'}
      </Button>
      {props.actions}
    </ValueCard>
  );
}

/** An identifier, not a secret (the Application ID): shown in clear, with Copy. */
export function IdentifierField(props: { label: string; value: string }) {
  const clipboard = useClipboard({ timeout: 1500 });
  return (
    <ValueCard label={props.label} value={props.value} testId="identifier-value">
      <Button size="xs" variant="default" onClick={() => clipboard.copy(props.value)}>
        {clipboard.copied ? 'Copied' : 'Copy'}
      </Button>
    </ValueCard>
  );
}

/** A labelled value in monospace, its buttons beside it, an error under it. */
function ValueCard(props: {
  label: string;
  value: string;
  testId: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={props.label}>
      <Text fw={600} size="sm">
        {props.label}
      </Text>
      <Group justify="space-between" wrap="nowrap" mt={4}>
        <Text
          ff="monospace"
          size="sm"
          style={{ wordBreak: 'break-all' }}
          aria-live="polite"
          data-testid={props.testId}
        >
          {props.value}
        </Text>
        <Group gap="xs" wrap="nowrap">
          {props.children}
        </Group>
      </Group>
      {props.error && (
        <Text c="red" size="sm" role="alert">
          {props.error}
        </Text>
      )}
    </Paper>
  );
}
