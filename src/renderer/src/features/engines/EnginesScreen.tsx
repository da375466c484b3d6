import { useState } from 'react';
import { Alert, Badge, Button, Group, PasswordInput, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconCircleCheck, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EngineConnection, EngineTestResult } from '@shared/api/contract/engines';
import { useApi } from '../../app/api';
import { ConfirmDelete } from '../../ui/ConfirmDelete';
import { useErrorText } from '../../ui/useErrorText';
import { AttachTableDialog } from './AttachTableDialog';

const enginesKey = ['engines'] as const;

/**
 * ClickHouse connections: what `logscope engine add|test|remove` does, on a screen. The
 * password is sent once to be stored (keychain or credentials file) and never shown again.
 */
export function EnginesScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const [adding, setAdding] = useState(false);
  const [results, setResults] = useState<Record<string, { ok: EngineTestResult } | { error: string }>>({});
  const connections = useQuery({ queryKey: enginesKey, queryFn: ({ signal }) => api.call('engines.list', {}, { signal }) });
  const test = useMutation({
    mutationFn: (name: string) => api.call('engines.test', { name }),
    onSuccess: (ok, name) => setResults((r) => ({ ...r, [name]: { ok } })),
    onError: (error, name) => setResults((r) => ({ ...r, [name]: { error: errorText(error) } })),
  });
  const list = connections.data ?? [];

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <Title order={3}>{t('engines.title')}</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} data-testid="engine-add">
          {t('engines.add')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('engines.intro')}
      </Text>
      {connections.error && <Alert color="red">{errorText(connections.error)}</Alert>}
      {list.length === 0 && !connections.isLoading ? (
        <Text c="dimmed">{t('engines.empty')}</Text>
      ) : (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('engines.name')}</Table.Th>
              <Table.Th>{t('engines.url')}</Table.Th>
              <Table.Th>{t('engines.user')}</Table.Th>
              <Table.Th>{t('engines.database')}</Table.Th>
              <Table.Th>{t('engines.password')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((c) => (
              <ConnectionRow
                key={c.name}
                connection={c}
                result={results[c.name]}
                testing={test.isPending && test.variables === c.name}
                onTest={() => test.mutate(c.name)}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <AddEngineDialog opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}

function ConnectionRow({
  connection: c,
  result,
  testing,
  onTest,
}: {
  connection: EngineConnection;
  result: { ok: EngineTestResult } | { error: string } | undefined;
  testing: boolean;
  onTest: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [attaching, setAttaching] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.call('engines.remove', { name: c.name }),
    onSuccess: async () => {
      setConfirming(false);
      await client.invalidateQueries({ queryKey: enginesKey });
    },
  });
  return (
    <>
      <Table.Tr>
        <Table.Td fw={500}>{c.name}</Table.Td>
        <Table.Td>
          <Group gap={6}>
            <Text size="sm">{c.url}</Text>
            {c.url.startsWith('https:') ? <Badge size="xs" color="teal">TLS</Badge> : <Badge size="xs" color="gray">HTTP</Badge>}
          </Group>
        </Table.Td>
        <Table.Td>{c.user}</Table.Td>
        <Table.Td>{c.database}</Table.Td>
        <Table.Td>{c.secret.store === 'keychain' ? t('engines.storeKeychain') : c.secret.path}</Table.Td>
        <Table.Td>
          <Group gap="xs" justify="flex-end" wrap="nowrap">
            <Button size="xs" variant="light" loading={testing} onClick={onTest} data-testid={`engine-test-${c.name}`}>
              {t('engines.test')}
            </Button>
            <Button size="xs" variant="light" onClick={() => setAttaching(true)} data-testid={`engine-attach-${c.name}`}>
              {t('engines.attach.open')}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(true)}>
              {t('engines.remove')}
            </Button>
          </Group>
        </Table.Td>
      </Table.Tr>
      {result && (
        <Table.Tr>
          <Table.Td colSpan={6}>
            {'ok' in result ? (
              <Group gap={6} data-testid={`engine-result-${c.name}`}>
                <IconCircleCheck size={16} color="var(--mantine-color-teal-6)" />
                <Text size="sm">
                  {t('engines.tested', {
                    version: result.ok.version,
                    zone: result.ok.timeZone,
                    tables: result.ok.tables,
                    dialect: result.ok.dialect,
                  })}
                  {result.ok.readonlyProfile ? ` ${t('engines.readonlyProfile')}` : ''}
                </Text>
              </Group>
            ) : (
              <Text size="sm" c="red" data-testid={`engine-result-${c.name}`}>
                {result.error}
              </Text>
            )}
          </Table.Td>
        </Table.Tr>
      )}
      {attaching && <AttachTableDialog connection={c.name} onClose={() => setAttaching(false)} />}
      <ConfirmDelete
        opened={confirming}
        title={t('engines.removeTitle', { name: c.name })}
        message={t('engines.removeMessage')}
        error={remove.error}
        pending={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate()}
      />
    </>
  );
}

function AddEngineDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [database, setDatabase] = useState('default');
  const [caFile, setCaFile] = useState('');
  const [password, setPassword] = useState('');
  const [store, setStore] = useState<'keychain' | 'file'>('keychain');
  const [credentialsPath, setCredentialsPath] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api.call('engines.create', {
        name: name.trim(),
        url: url.trim(),
        user: user.trim(),
        database: database.trim() || 'default',
        ...(caFile.trim() ? { caFile: caFile.trim() } : {}),
        secret: store === 'keychain' ? { store: 'keychain', password } : { store: 'file', path: credentialsPath.trim(), password },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: enginesKey });
      setPassword('');
      onClose();
    },
  });
  const canSave = name.trim() && url.trim() && user.trim() && password && (store === 'keychain' || credentialsPath.trim());
  return (
    <Dialog opened={opened} onClose={onClose} title={t('engines.addTitle')} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canSave) create.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('engines.name')} placeholder="team" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
            <TextInput label={t('engines.database')} value={database} onChange={(e) => setDatabase(e.currentTarget.value)} />
          </SimpleGrid>
          <TextInput
            label={t('engines.url')}
            description={t('engines.urlHelp')}
            placeholder="https://clickhouse.example.com:8443"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            required
          />
          {url.trim().startsWith('http://') && <Alert color="yellow">{t('engines.httpWarning')}</Alert>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('engines.user')} value={user} onChange={(e) => setUser(e.currentTarget.value)} required autoComplete="off" />
            <PasswordInput label={t('engines.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="new-password" />
          </SimpleGrid>
          <TextInput label={t('engines.caFile')} description={t('engines.caFileHelp')} placeholder="/etc/ssl/team-ca.pem" value={caFile} onChange={(e) => setCaFile(e.currentTarget.value)} />
          <SegmentedControl
            value={store}
            onChange={(value) => setStore(value as 'keychain' | 'file')}
            data={[
              { value: 'keychain', label: t('engines.storeKeychain') },
              { value: 'file', label: t('engines.storeFile') },
            ]}
          />
          {store === 'file' && (
            <TextInput label={t('engines.credentialsFile')} placeholder="/home/me/.config/logscope/clickhouse.pw" value={credentialsPath} onChange={(e) => setCredentialsPath(e.currentTarget.value)} required />
          )}
          {create.error && <Alert color="red">{errorText(create.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('engines.cancel')}
            </Button>
            <Button type="submit" disabled={!canSave} loading={create.isPending} data-testid="engine-save">
              {t('engines.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
