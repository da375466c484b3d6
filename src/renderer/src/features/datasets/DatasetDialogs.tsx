import { useState } from 'react';
import { Button, Group, Stack, TextInput } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { datasetsKey } from './useDatasets';
import { ConfirmDelete } from '../../ui/ConfirmDelete';

export function RenameDatasetDialog({ dataset, opened, onClose }: { dataset: DatasetSummary; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [name, setName] = useState(dataset.name);
  const rename = useMutation({
    mutationFn: () => api.call('datasets.rename', { datasetId: dataset.id, name: name.trim() }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: datasetsKey });
      onClose();
    },
  });
  return (
    <Dialog opened={opened} onClose={onClose} title={t('datasets.renameTitle')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate();
        }}
      >
        <Stack>
          <TextInput
            label={t('datasets.nameLabel')}
            description={t('datasets.renameHelp')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={rename.error ? errorText(rename.error) : undefined}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={rename.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}

export function DeleteDatasetDialog({ dataset, opened, onClose }: { dataset: DatasetSummary; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.call('datasets.delete', { datasetId: dataset.id }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: datasetsKey });
      onClose();
    },
  });
  return (
    <ConfirmDelete
      opened={opened}
      title={t('datasets.deleteTitle')}
      message={t('datasets.deleteConfirm', { name: dataset.name, count: dataset.rows })}
      error={remove.error}
      pending={remove.isPending}
      onCancel={onClose}
      onConfirm={() => remove.mutate()}
    />
  );
}
