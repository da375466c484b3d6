import { useState } from 'react';
import { ActionIcon, Stack, Table, Text, Tooltip, Pagination, Code, ScrollArea } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import type { SourceSummary } from '@shared/api/contract/imports';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { formatSize } from './formatSize';
import { ConfirmDelete } from '../../ui/ConfirmDelete';

/** The files a dataset was built from, where each came from, and a way to take one out again. */
export function SourcesPanel({ dataset, zone }: { dataset: DatasetSummary; zone: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const [removing, setRemoving] = useState<SourceSummary | null>(null);
  const sources = useQuery({
    queryKey: ['sources', dataset.id, dataset.rows],
    queryFn: ({ signal }) => api.call('sources.list', { datasetId: dataset.id }, { signal }),
  });
  const remove = useMutation({
    mutationFn: (sourceId: number) => api.call('sources.remove', { sourceId }),
    onSuccess: async () => {
      setRemoving(null);
      await client.invalidateQueries({ queryKey: ['datasets'] });
    },
  });
  const origin = (s: SourceSummary) => {
    const detail = s.originDetail as { sender?: string; subject?: string } | null;
    return [t(`imports.origin_${s.origin}`), detail?.sender, detail?.subject].filter(Boolean).join(' · ');
  };
  return (
    <ScrollArea h="100%">
      <Table striped withTableBorder data-testid="sources-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('imports.sourceFile')}</Table.Th>
            <Table.Th>{t('imports.sourceOrigin')}</Table.Th>
            <Table.Th>{t('imports.sourceImportedAt')}</Table.Th>
            <Table.Th ta="right">{t('imports.sourceLines')}</Table.Th>
            <Table.Th ta="right">{t('imports.sourceRows')}</Table.Th>
            <Table.Th ta="right">{t('imports.sourceRejected')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(sources.data ?? []).map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {s.fileName}
                </Text>
                <Text size="xs" c="dimmed">
                  {s.format} · {s.encoding} · {formatSize(s.sizeBytes)}
                  {s.timeZone ? ` · ${s.timeZone}` : ''}
                </Text>
              </Table.Td>
              <Table.Td>{origin(s)}</Table.Td>
              <Table.Td>{formatInstant(s.importedAt, zone, false)}</Table.Td>
              <Table.Td ta="right">{s.lines.toLocaleString()}</Table.Td>
              <Table.Td ta="right">{s.rows.toLocaleString()}</Table.Td>
              <Table.Td ta="right">{s.rejected.toLocaleString()}</Table.Td>
              <Table.Td>
                <Tooltip label={t('imports.removeSource')}>
                  <ActionIcon variant="subtle" color="red" aria-label={t('imports.removeSource')} onClick={() => setRemoving(s)}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ConfirmDelete
        opened={removing !== null}
        title={t('imports.removeSource')}
        message={removing && t('imports.removeSourceConfirm', { count: removing.rows, file: removing.fileName, dataset: dataset.name })}
        error={remove.error}
        pending={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.id)}
      />
    </ScrollArea>
  );
}

const rejectsPageSize = 100;

/** Lines that could not be read, with their line number, the reason and the text as it was. */
export function RejectsPanel({ dataset }: { dataset: DatasetSummary }) {
  const { t } = useTranslation();
  const api = useApi();
  const [page, setPage] = useState(1);
  const rejects = useQuery({
    queryKey: ['rejects', dataset.id, dataset.rows, page],
    queryFn: ({ signal }) => api.call('rejects.page', { datasetId: dataset.id, offset: (page - 1) * rejectsPageSize, limit: rejectsPageSize }, { signal }),
  });
  const total = rejects.data?.total ?? 0;
  if (rejects.data && total === 0) return <Text c="dimmed">{t('imports.noRejects')}</Text>;
  return (
    <Stack h="100%" gap="xs">
      <ScrollArea style={{ flex: 1 }}>
        <Table striped withTableBorder data-testid="rejects-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('imports.sourceFile')}</Table.Th>
              <Table.Th ta="right">{t('imports.rejectLine')}</Table.Th>
              <Table.Th>{t('imports.rejectReason')}</Table.Th>
              <Table.Th>{t('imports.rejectRaw')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(rejects.data?.rows ?? []).map((r, i) => (
              <Table.Tr key={`${r.sourceId}-${r.line}-${i}`}>
                <Table.Td>{r.fileName}</Table.Td>
                <Table.Td ta="right">{r.line?.toLocaleString() ?? ''}</Table.Td>
                <Table.Td>
                  <Text size="sm">{r.reason}</Text>
                </Table.Td>
                <Table.Td>
                  <Code block style={{ whiteSpace: 'pre-wrap', maxWidth: 600 }}>
                    {r.raw ?? ''}
                  </Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {total > rejectsPageSize && <Pagination total={Math.ceil(total / rejectsPageSize)} value={page} onChange={setPage} size="sm" />}
    </Stack>
  );
}
