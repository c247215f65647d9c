import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
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
  // A mutation like every other change: its pending state and error, and an ended session, handled alike.
  const confirm = useMutation({ mutationFn: props.onConfirm, onSuccess: close });
  return (
    <>
      <Button size="xs" variant="light" color={props.color ?? 'red'} onClick={open}>
        {props.label}
      </Button>
      <Modal opened={opened} onClose={close} title={props.title} centered>
        <Stack>
          <Text size="sm">{props.message}</Text>
          {props.children}
          {confirm.isError && (
            <Text c="red" size="sm" role="alert">
              {errorText(confirm.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color={props.color ?? 'red'} onClick={() => confirm.mutate()} loading={confirm.isPending}>
              {props.confirmLabel ?? props.label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
