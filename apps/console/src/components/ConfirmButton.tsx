import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { errorText } from '../api/client';

/**
 * A button whose action asks first: the dialog says what will happen, may take extra input
 * (`children`), and shows the API's error if the action fails.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  color?: string;
  children?: ReactNode;
  onConfirm: () => Promise<unknown>;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await props.onConfirm();
      close();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <Button size="xs" variant="light" color={props.color ?? 'red'} onClick={open}>
        {props.label}
      </Button>
      <Modal opened={opened} onClose={close} title={props.title} centered>
        <Stack>
          <Text size="sm">{props.message}</Text>
          {props.children}
          {error && (
            <Text c="red" size="sm" role="alert">
              {error}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color={props.color ?? 'red'} onClick={confirm} loading={pending}>
              {props.confirmLabel ?? props.label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
