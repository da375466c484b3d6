import type { ReactNode } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { Dialog } from './Dialog';
import { useTranslation } from 'react-i18next';
import { useErrorText } from './useErrorText';

/** "Delete this?" with what goes, the failure if deleting failed, Cancel and a red Delete. */
export function ConfirmDelete({
  opened,
  title,
  message,
  error,
  pending,
  onCancel,
  onConfirm,
}: {
  opened: boolean;
  title: string;
  message: ReactNode;
  error: unknown;
  pending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <Dialog opened={opened} onClose={onCancel} title={title}>
      <Stack>
        <Text>{message}</Text>
        {error ? <Text c="red">{errorText(error)}</Text> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm}>
            {t('common.delete')}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}
