import { useState } from 'react';
import { Alert, Button, Group, ScrollArea, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../ui/Dialog';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { datasetsKey } from '../datasets/useDatasets';

/** A table's key in the picker: database and name, which neither may hold a NUL. */
const tableKey = (database: string, table: string) => `${database}\u0000${table}`;

/**
 * "Attach a table…" of a connection: what `logscope engine attach` does. The user picks a
 * table (its columns and types shown), names the dataset, and attaches it read-only; the
 * roles are proposed by the dashboard's detection and changed in its role editor.
 */
export function AttachTableDialog({ connection, onClose }: { connection: string; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [picked, setPicked] = useState<string | null>(null);
  const [dataset, setDataset] = useState('');
  const tables = useQuery({ queryKey: ['engines', connection, 'tables'], queryFn: ({ signal }) => api.call('engines.tables', { name: connection }, { signal }) });
  const chosen = (tables.data ?? []).find((x) => tableKey(x.database, x.table) === picked) ?? null;
  const attach = useMutation({
    mutationFn: () => api.call('engines.attach', { name: connection, database: chosen!.database, table: chosen!.table, dataset: dataset.trim() }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: datasetsKey });
    },
  });
  return (
    <Dialog opened onClose={onClose} title={t('engines.attach.title', { name: connection })} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (chosen && dataset.trim()) attach.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('engines.attach.intro')}
          </Text>
          {tables.error && <Alert color="red">{errorText(tables.error)}</Alert>}
          {tables.data?.length === 0 && <Text size="sm">{t('engines.attach.noTables')}</Text>}
          <Select
            label={t('engines.attach.table')}
            placeholder={t('engines.attach.tablePlaceholder')}
            searchable
            data-autofocus
            disabled={!tables.data}
            value={picked}
            onChange={(value) => {
              setPicked(value);
              const next = (tables.data ?? []).find((x) => tableKey(x.database, x.table) === value);
              if (next && !dataset.trim()) setDataset(next.table);
              attach.reset();
            }}
            data={(tables.data ?? []).map((x) => ({ value: tableKey(x.database, x.table), label: `${x.database}.${x.table} (${x.engine})` }))}
            data-testid="attach-table"
          />
          {chosen && (
            // A long column list scrolls: focusable, so it scrolls by keyboard too.
            <ScrollArea.Autosize mah={220} viewportProps={{ tabIndex: 0, 'aria-label': t('engines.attach.columns') }}>
              <Table withTableBorder striped data-testid="attach-columns" aria-label={t('engines.attach.columns')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('engines.attach.column')}</Table.Th>
                    <Table.Th>{t('engines.attach.type')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {chosen.columns.map((c) => (
                    <Table.Tr key={c.name}>
                      <Table.Td>{c.name}</Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {c.type}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          )}
          <TextInput label={t('engines.attach.dataset')} value={dataset} onChange={(e) => setDataset(e.currentTarget.value)} required data-testid="attach-dataset" />
          {attach.error && <Alert color="red">{errorText(attach.error)}</Alert>}
          {attach.data && (
            <Alert color="teal" data-testid="attach-done">
              {t('engines.attach.done', { dataset: attach.data.dataset, rows: attach.data.rows, button: t('dashboard.roles.edit') })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('engines.cancel')}
            </Button>
            <Button type="submit" disabled={!chosen || !dataset.trim() || Boolean(attach.data)} loading={attach.isPending} data-testid="attach-submit">
              {t('engines.attach.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
