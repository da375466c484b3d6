import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Loader,
  Progress,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconCertificate, IconCheck, IconDownload, IconKey, IconLock, IconLockOpen, IconMail, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { MailAccount, MailFetchItem, MailFetchResult, MailListener, MailRule, MailTestResult } from '@shared/api/contract/mail';
import { AppError } from '@shared/api/errors';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { AccountDialog } from './AccountDialog';
import { RuleDialog } from './RuleDialog';
import { secureStoreText } from './SecureStoreNote';
import { useOAuthSignIn } from './useOAuthSignIn';
import { mailKeys, useCollectedFiles, useMailAccounts, useMailListeners, useMailRules, useMailStatus, useRuleFetch, type RuleFetchState } from './useMail';
import { ListenerBadge } from './ListenerBadge';
import { ConfirmDelete } from '../../ui/ConfirmDelete';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** Mail collection: accounts, rules with "Fetch now", and the files collected with where they came from. */
export function MailScreen({ zone }: { zone: string }) {
  const { t } = useTranslation();
  const status = useMailStatus();
  const accounts = useMailAccounts();
  const rules = useMailRules();
  const listeners = useMailListeners();
  const [dialog, setDialog] = useState<'account' | 'rule' | null>(null);
  const [tests, setTests] = useState<Record<number, MailTestResult | 'running'>>({});
  const api = useApi();
  const client = useQueryClient();
  const fetches = useRuleFetch();

  const runTest = async (id: number) => {
    setTests((s) => ({ ...s, [id]: 'running' }));
    try {
      const result = await api.call('mail.accounts.test', { id });
      setTests((s) => ({ ...s, [id]: result }));
    } catch (error) {
      const wire = error instanceof AppError ? error.toWire() : { code: 'internal' as const, params: { message: String(error) } };
      setTests((s) => ({
        ...s,
        [id]: { ok: false, store: { store: 'file', path: '' }, secure: false, tlsProtocol: null, certificate: null, capabilities: null, folders: [], error: wire },
      }));
    } finally {
      await client.invalidateQueries({ queryKey: mailKeys.accounts });
    }
  };

  return (
    <ScrollArea h="calc(100dvh - 52px - 2 * var(--mantine-spacing-md))" type="auto" offsetScrollbars>
      <Stack gap="lg" maw={1180} pb="xl">
        <Stack gap={4}>
          <Group gap="xs">
            <IconMail size={26} />
            <Title order={2} data-testid="mail-title">
              {t('mail.title')}
            </Title>
          </Group>
          <Text c="dimmed" size="sm">
            {t('mail.intro')}
          </Text>
        </Stack>

        {status.data &&
          (status.data.keychain.available ? (
            <Alert variant="light" color="teal" icon={<IconKey size={18} />} data-testid="keychain-status">
              {secureStoreText(t, status.data)}
            </Alert>
          ) : (
            <Alert variant="light" color="yellow" icon={<IconAlertTriangle size={18} />} data-testid="keychain-status">
              {secureStoreText(t, status.data)}
            </Alert>
          ))}

        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>{t('mail.accounts.title')}</Title>
            <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => setDialog('account')} disabled={!status.data}>
              {t('mail.accounts.add')}
            </Button>
          </Group>
          {accounts.isLoading && <Loader size="sm" />}
          {accounts.data?.length === 0 && (
            <Text c="dimmed" size="sm">
              {t('mail.accounts.empty')}
            </Text>
          )}
          {accounts.data?.map((account) => (
            <AccountCard key={account.id} account={account} zone={zone} test={tests[account.id]} onTest={() => void runTest(account.id)} />
          ))}
        </Stack>

        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>{t('mail.rules.title')}</Title>
            <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => setDialog('rule')} disabled={!accounts.data?.length}>
              {t('mail.rules.add')}
            </Button>
          </Group>
          {rules.data?.length === 0 && (
            <Text c="dimmed" size="sm">
              {accounts.data?.length ? t('mail.rules.empty') : t('mail.rules.needAccount')}
            </Text>
          )}
          {rules.data?.map((rule) => (
            <RuleCard
              key={rule.id}
              rule={rule}
              listener={listeners.data?.find((l) => l.ruleId === rule.id)}
              zone={zone}
              state={fetches.states[rule.id]}
              onFetch={() => void fetches.start(rule.id)}
              onCancel={() => fetches.cancel(rule.id)}
            />
          ))}
        </Stack>

        <CollectedFiles zone={zone} />
      </Stack>

      {status.data && (
        <AccountDialog
          key={String(status.data.keychain.available)}
          opened={dialog === 'account'}
          onClose={() => setDialog(null)}
          keychainAvailable={status.data.keychain.available}
          onCreated={(account) => {
            setDialog(null);
            void runTest(account.id);
          }}
        />
      )}
      {accounts.data && accounts.data.length > 0 && (
        <RuleDialog key={accounts.data.map((a) => a.id).join(',')} opened={dialog === 'rule'} onClose={() => setDialog(null)} accounts={accounts.data} />
      )}
    </ScrollArea>
  );
}

function AccountCard({ account, zone, test, onTest }: { account: MailAccount; zone: string; test: MailTestResult | 'running' | undefined; onTest: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [confirm, setConfirm] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.call('mail.accounts.remove', { id: account.id }),
    onSuccess: async () => {
      setConfirm(false);
      await client.invalidateQueries({ queryKey: mailKeys.accounts });
    },
  });
  const trust = useMutation({
    mutationFn: (fingerprint256: string) => api.call('mail.accounts.update', { id: account.id, trust: { kind: 'pinned', fingerprint256 } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: mailKeys.accounts });
      onTest();
    },
  });
  const security =
    account.security === 'tls' ? t('mail.accounts.badgeTls') : account.security === 'starttls' ? t('mail.accounts.badgeStarttls') : t('mail.accounts.badgePlain');
  const again = useOAuthSignIn();
  const signInAgain = async (secret: MailAccount['secret']) => {
    if (secret.store !== 'oauth2') return;
    if (await again.signIn({ provider: 'again', grant: secret.grant })) onTest();
  };
  const lastError = test && test !== 'running' ? (test.error?.code ?? null) : (account.lastTest?.errorCode ?? null);
  const needsSignIn = account.secret.store === 'oauth2' && lastError === 'oauth_sign_in_again' && again.state.phase !== 'done';
  const trustLabel =
    account.trust.kind === 'system' ? t('mail.accounts.trustSystem') : account.trust.kind === 'ca_file' ? t('mail.accounts.trustCaFile') : t('mail.accounts.trustPinned');

  return (
    <Card withBorder padding="md" data-testid={`account-${account.name}`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Text fw={600}>{account.name}</Text>
            <Badge variant="light" tt="none" color={account.security === 'plain' ? 'red' : 'teal'} leftSection={account.security === 'plain' ? <IconLockOpen size={12} /> : <IconLock size={12} />}>
              {security}
            </Badge>
            {account.security !== 'plain' && (
              <Badge variant="light" tt="none" color="gray" leftSection={<IconCertificate size={12} />}>
                {trustLabel}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {account.user} · {account.host}:{account.port} ·{' '}
            {account.secret.store === 'keychain'
              ? t('mail.accounts.storedKeychain')
              : account.secret.store === 'oauth2'
                ? t('oauth.signedIn', { user: account.user })
                : t('mail.accounts.storedFile', { path: account.secret.path })}
          </Text>
          <Text size="xs" c="dimmed">
            {account.lastTest
              ? t(account.lastTest.ok ? 'mail.accounts.lastTestOk' : 'mail.accounts.lastTestFailed', { at: formatInstant(account.lastTest.at, zone, false) })
              : t('mail.accounts.notTested')}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" size="xs" onClick={onTest} loading={test === 'running'} data-testid={`test-${account.name}`}>
            {t('mail.accounts.test')}
          </Button>
          <Tooltip label={t('mail.accounts.remove')}>
            <ActionIcon variant="subtle" color="red" onClick={() => setConfirm(true)} aria-label={t('mail.accounts.remove')}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      {needsSignIn && (
        <Alert color="orange" mt="sm" data-testid={`sign-in-again-${account.name}`}>
          <Group justify="space-between" gap="sm">
            <Text size="sm">{t('oauth.needsSignIn')}</Text>
            {account.secret.store === 'oauth2' && (
              <Button size="xs" loading={again.state.phase === 'waiting'} onClick={() => void signInAgain(account.secret)}>
                {t('oauth.signInAgain')}
              </Button>
            )}
          </Group>
          {again.state.phase === 'waiting' && again.state.url && (
            <Text size="xs" mt={6}>
              {t('oauth.openManually')}{' '}
              <Anchor href={again.state.url} target="_blank" rel="noopener noreferrer" style={{ wordBreak: 'break-all' }}>
                {again.state.url}
              </Anchor>
            </Text>
          )}
          {again.state.phase === 'failed' && (
            <Text size="sm" c="red" mt={6}>
              {errorText(again.state.error)}
            </Text>
          )}
        </Alert>
      )}
      {test && test !== 'running' && <TestResultView account={account} result={test} onTrust={(fp) => trust.mutate(fp)} trusting={trust.isPending} />}
      {trust.error && (
        <Alert color="red" mt="sm">
          {errorText(trust.error)}
        </Alert>
      )}
      <ConfirmDelete
        opened={confirm}
        title={t('mail.accounts.removeTitle')}
        message={t('mail.accounts.removeConfirm', { name: account.name })}
        error={remove.error}
        pending={remove.isPending}
        onCancel={() => setConfirm(false)}
        onConfirm={() => remove.mutate()}
      />
    </Card>
  );
}

function TestResultView({ account, result, onTrust, trusting }: { account: MailAccount; result: MailTestResult; onTrust: (fingerprint: string) => void; trusting: boolean }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const store =
    result.store.store === 'keychain'
      ? t('mail.test.passwordFromKeychain', { account: result.store.account })
      : result.store.store === 'file' && result.store.path
        ? t('mail.test.passwordFromFile', { path: result.store.path })
        : '';
  const certificate = result.certificate;
  const canTrust = !result.ok && certificate && (result.error?.code === 'mail_tls_failed' || result.error?.code === 'mail_tls_pin_mismatch');
  return (
    <Alert
      mt="sm"
      variant="light"
      color={result.ok ? 'teal' : 'red'}
      icon={result.ok ? <IconCheck size={18} /> : <IconX size={18} />}
      title={result.ok ? t('mail.test.ok', { host: account.host, port: account.port, user: account.user }) : t('mail.test.failed')}
      data-testid={`test-result-${account.name}`}
    >
      <Stack gap={6}>
        {result.ok ? (
          <Text size="sm">
            {result.secure ? t('mail.test.overTls', { protocol: result.tlsProtocol ?? 'TLS' }) : t('mail.test.unencrypted')} {t('mail.test.folders', { count: result.folders.length })}{' '}
            {result.capabilities?.binary ? t('mail.test.binary') : t('mail.test.noBinary')}
          </Text>
        ) : (
          result.error && <Text size="sm">{errorText(new AppError(result.error.code as never, result.error.params as never))}</Text>
        )}
        {store && (
          <Text size="sm" c="dimmed">
            {store}
          </Text>
        )}
        {certificate && (
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              {t('mail.test.certificate')}
            </Text>
            <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing="xs" fz="sm">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td c="dimmed" w={110}>
                    {t('mail.test.subject')}
                  </Table.Td>
                  <Table.Td>{certificate.subject}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td c="dimmed">{t('mail.test.issuer')}</Table.Td>
                  <Table.Td>
                    {certificate.issuer}
                    {certificate.selfSigned ? ` (${t('mail.test.selfSigned')})` : ''}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td c="dimmed">{t('mail.test.validity')}</Table.Td>
                  <Table.Td>
                    {certificate.validFrom.slice(0, 10)} – {certificate.validTo.slice(0, 10)}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td c="dimmed">{t('mail.test.fingerprint')}</Table.Td>
                  <Table.Td>
                    <Code data-testid="certificate-fingerprint" style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>
                      {certificate.fingerprint256}
                    </Code>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Stack>
        )}
        {canTrust && (
          <Group gap="sm" align="center" wrap="nowrap">
            <Button
              size="xs"
              color="orange"
              style={{ flexShrink: 0 }}
              leftSection={<IconCertificate size={14} />}
              loading={trusting}
              onClick={() => onTrust(certificate.fingerprint256)}
            >
              {t('mail.test.trustThis')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('mail.test.trustHelp')}
            </Text>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

function RuleCard({
  rule,
  listener,
  zone,
  state,
  onFetch,
  onCancel,
}: {
  rule: MailRule;
  /** Absent where nothing listens (a one-shot command owns the data folder). */
  listener: MailListener | undefined;
  zone: string;
  state: RuleFetchState | undefined;
  onFetch: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [confirm, setConfirm] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.call('mail.rules.remove', { id: rule.id }),
    onSuccess: async () => {
      setConfirm(false);
      await client.invalidateQueries({ queryKey: mailKeys.rules });
    },
  });
  const run = state?.result ?? rule.lastRun;
  const filters = [
    rule.senders.length ? `${t('mail.rules.senders')}: ${rule.senders.join(', ')}` : null,
    rule.subjects.length ? `${t('mail.rules.subjects')}: ${rule.subjects.join(', ')}` : null,
    rule.since ? `${t('mail.rules.since')}: ${rule.since}` : null,
  ].filter(Boolean);

  return (
    <Card withBorder padding="md" data-testid={`rule-${rule.name}`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Text fw={600}>{rule.name}</Text>
            {listener && <ListenerBadge listener={listener} folder={rule.folder} />}
            {rule.attachmentPatterns.map((p) => (
              <Badge key={p} variant="outline" color="gray" tt="none">
                {p}
              </Badge>
            ))}
          </Group>
          <Text size="sm" c="dimmed">
            {t('mail.rules.from', { folder: rule.folder, account: rule.account })} · {t('mail.rules.into', { dataset: rule.dataset })}
          </Text>
          {filters.length > 0 && (
            <Text size="xs" c="dimmed">
              {filters.join(' · ')}
            </Text>
          )}
          <Text size="xs" c="dimmed" data-testid={`rule-last-run-${rule.name}`}>
            {run
              ? `${t('mail.rules.lastRun', { at: formatInstant(run.finishedAt, zone, false) })}: ${t(`mail.outcome.${run.outcome}`)} · ${t('mail.rules.summary', {
                  imported: run.imported,
                  skipped: run.skipped,
                  failed: run.failed,
                  rows: run.rows,
                })}`
              : t('mail.rules.neverRun')}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {state?.running ? (
            <Button size="xs" variant="default" onClick={onCancel}>
              {t('mail.progress.cancel')}
            </Button>
          ) : (
            <Button size="xs" leftSection={<IconDownload size={14} />} onClick={onFetch} data-testid={`fetch-${rule.name}`}>
              {t('mail.rules.fetch')}
            </Button>
          )}
          <Tooltip label={t('mail.rules.remove')}>
            <ActionIcon variant="subtle" color="red" onClick={() => setConfirm(true)} aria-label={t('mail.rules.remove')} disabled={state?.running}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      {state?.running && <FetchProgress progress={state.progress} />}
      {state?.error !== null && state?.error !== undefined && !(state.error instanceof AppError && state.error.code === 'cancelled') && (
        <Alert color="red" mt="sm">
          {errorText(state.error)}
        </Alert>
      )}
      {state?.result && <FetchOutcome result={state.result} />}
      <ConfirmDelete
        opened={confirm}
        title={t('mail.rules.removeTitle')}
        message={t('mail.rules.removeConfirm', { name: rule.name })}
        error={remove.error}
        pending={remove.isPending}
        onCancel={() => setConfirm(false)}
        onConfirm={() => remove.mutate()}
      />
    </Card>
  );
}

function FetchProgress({ progress }: { progress: RuleFetchState['progress'] }) {
  const { t } = useTranslation();
  const share = progress && progress.bytesTotal > 0 ? Math.min(100, (progress.bytesDone / progress.bytesTotal) * 100) : 0;
  const phase = progress?.phase ?? 'connecting';
  const label =
    phase === 'downloading' && progress?.file
      ? t('mail.progress.downloading', { file: progress.file })
      : phase === 'importing' && progress?.file
        ? t('mail.progress.importing', { file: progress.file })
        : t(`mail.progress.${phase === 'downloading' || phase === 'importing' ? 'listing' : phase}`);
  return (
    <Stack gap={4} mt="sm" data-testid="fetch-progress">
      <Progress value={share} animated={phase !== 'done'} size="lg" aria-label={label} />
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed" truncate>
          {label}
        </Text>
        {progress && progress.attachmentsTotal > 0 && (
          <Text size="xs" c="dimmed">
            {t('mail.progress.counts', {
              done: progress.attachmentsDone,
              total: progress.attachmentsTotal,
              bytesDone: formatBytes(progress.bytesDone),
              bytesTotal: formatBytes(progress.bytesTotal),
            })}
          </Text>
        )}
      </Group>
    </Stack>
  );
}

function outcomeBadge(item: MailFetchItem, t: (key: string) => string) {
  if (item.outcome === 'imported') return <Badge color="teal" tt="none">{t('mail.items.imported')}</Badge>;
  if (item.outcome === 'skipped') {
    return (
      <Badge color="gray" variant="light" tt="none">
        {item.reason === 'duplicate_content' ? t('mail.items.skippedDuplicate') : t('mail.items.skippedCollected')}
      </Badge>
    );
  }
  return <Badge color="red" tt="none">{t('mail.items.failed')}</Badge>;
}

function FetchOutcome({ result }: { result: MailFetchResult }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <Stack gap="xs" mt="sm" data-testid="fetch-outcome">
      <Group gap="xs">
        <Badge tt="none" color={result.outcome === 'ok' ? 'teal' : result.outcome === 'partial' ? 'yellow' : 'red'} data-testid="fetch-outcome-badge">
          {t(`mail.outcome.${result.outcome}`)}
        </Badge>
        <Text size="sm">
          {t('mail.rules.summary', { imported: result.imported, skipped: result.skipped, failed: result.failed, rows: result.rows })} · {formatBytes(result.bytesDownloaded)}
        </Text>
      </Group>
      {result.error && <Alert color="red">{errorText(new AppError(result.error.code as never, result.error.params as never))}</Alert>}
      {result.items.length === 0 && !result.error ? (
        <Text size="sm" c="dimmed">
          {t('mail.items.none')}
        </Text>
      ) : (
        result.items.length > 0 && (
          <Table.ScrollContainer minWidth={820}>
          <Table striped withTableBorder fz="sm" verticalSpacing={6} data-testid="fetch-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mail.items.file')}</Table.Th>
                <Table.Th>{t('mail.items.message')}</Table.Th>
                <Table.Th>{t('mail.items.dataset')}</Table.Th>
                <Table.Th ta="right">{t('mail.items.rows')}</Table.Th>
                <Table.Th>{t('mail.items.outcome')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.items.map((item) => (
                <Table.Tr key={`${item.uid}-${item.part}`}>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                      {item.fileName}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {formatBytes(item.sizeBytes)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 340 }}>
                    <Text size="sm" truncate>
                      {item.subject ?? '—'}
                    </Text>
                    <Text size="xs" c="dimmed" truncate>
                      {item.sender ?? '—'}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace" truncate>
                      {item.messageId ?? `UID ${item.uid}`}
                    </Text>
                  </Table.Td>
                  <Table.Td>{item.dataset ?? '—'}</Table.Td>
                  <Table.Td ta="right">{item.rows.toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      {outcomeBadge(item, t)}
                      {item.error && (
                        <Text size="xs" c="red">
                          {errorText(new AppError(item.error.code as never, item.error.params as never))}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
        )
      )}
      {result.actionFailures.map((failure) => (
        <Alert key={`${failure.uid}-${failure.action}`} color="yellow" title={t('mail.items.actionFailed', { messageId: failure.messageId ?? `UID ${failure.uid}` })}>
          {errorText(new AppError(failure.error.code as never, failure.error.params as never))}
        </Alert>
      ))}
    </Stack>
  );
}

function CollectedFiles({ zone }: { zone: string }) {
  const { t } = useTranslation();
  const collected = useCollectedFiles();
  const files = collected.data?.files ?? [];
  return (
    <Stack gap="sm">
      <Title order={4}>{t('mail.collected.title')}</Title>
      {files.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('mail.collected.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
        <Table striped withTableBorder fz="sm" verticalSpacing={6} data-testid="collected-files">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('mail.collected.file')}</Table.Th>
              <Table.Th>{t('mail.collected.dataset')}</Table.Th>
              <Table.Th ta="right">{t('mail.collected.rows')}</Table.Th>
              <Table.Th>{t('mail.collected.source')}</Table.Th>
              <Table.Th>{t('mail.collected.messageId')}</Table.Th>
              <Table.Th>{t('mail.collected.importedAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {files.map((file) => (
              <Table.Tr key={file.sourceId}>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {file.fileName}
                  </Text>
                </Table.Td>
                <Table.Td>{file.dataset}</Table.Td>
                <Table.Td ta="right">{file.rows.toLocaleString()}</Table.Td>
                <Table.Td style={{ maxWidth: 380 }}>
                  <Text size="sm" truncate>
                    {file.subject ?? '—'}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {file.sender ?? '—'}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {[file.date ? formatInstant(file.date, zone, false) : null, file.account, file.rule].filter(Boolean).join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {file.messageId ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{formatInstant(file.importedAt, zone, false)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
