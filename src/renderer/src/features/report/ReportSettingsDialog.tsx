import { useState } from 'react';
import { Alert, Button, Checkbox, Divider, Group, NumberInput, PasswordInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import type { OAuthSignedIn, TlsTrust } from '@shared/api/contract/mail';
import { defaultSmtpPort, type ReportDefinition, type ReportPeriod, type ReportSpecInput, type SmtpSecurity, type SmtpTestResult } from '@shared/api/contract/report';
import { AppError } from '@shared/api/errors';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { useMailStatus } from '../mail/useMail';
import { SecureStoreNote } from '../mail/SecureStoreNote';
import { OAuthSignInFields, presetHosts } from '../mail/OAuthSignInFields';
import { recordedError, reportKeys, splitRecipients, useSmtpAccounts } from './useReport';

type PeriodChoice = '24h' | '7d' | 'all' | 'dashboard';
const periodChoices: readonly PeriodChoice[] = ['24h', '7d', 'all', 'dashboard'];

/**
 * The report's settings; the first time, the short set-up before "Send report" works with
 * one click: the SMTP account (its password goes to the keychain or a credentials file and
 * never comes back), the recipients, the subject, with "Send test mail".
 */
export function ReportSettingsDialog({
  dataset,
  zone,
  report,
  onClose,
  onSaved,
}: {
  dataset: DatasetSummary;
  zone: string;
  report: ReportDefinition | null;
  onClose: () => void;
  onSaved: (report: ReportDefinition, sendNow: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const accounts = useSmtpAccounts();
  const keychain = useMailStatus().data?.keychain.available ?? false;

  const [name, setName] = useState(report?.name ?? t('report.defaultName', { dataset: dataset.name }));
  const [accountChoice, setAccountChoice] = useState<string | null>(report?.smtpAccountId ? String(report.smtpAccountId) : null);
  const [host, setHost] = useState('');
  const [port, setPort] = useState<number | ''>('');
  const [security, setSecurity] = useState<SmtpSecurity>('starttls');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  // OAuth2: the browser sign-in's grant, in the token store IMAP accounts share.
  const [auth, setAuth] = useState<'password' | 'oauth2'>('password');
  const [signedIn, setSignedIn] = useState<OAuthSignedIn | null>(null);
  const [from, setFrom] = useState('');
  const [fromName, setFromName] = useState('Logscope');
  const [store, setStore] = useState<'keychain' | 'file' | null>(null);
  const [credentialsPath, setCredentialsPath] = useState('');
  const [trustKind, setTrustKind] = useState<TlsTrust['kind']>('system');
  const [trustValue, setTrustValue] = useState('');
  const [recipients, setRecipients] = useState(report?.recipients.join(', ') ?? '');
  const [subject, setSubject] = useState(report?.subject ?? t('report.defaultSubject'));
  const [language, setLanguage] = useState<'ko' | 'en'>(report?.language ?? (i18n.language === 'ko' ? 'ko' : 'en'));
  const [period, setPeriod] = useState<PeriodChoice>(report && report.period.kind !== 'custom' ? report.period.kind : '24h');
  const [attachments, setAttachments] = useState(report?.attachments ?? { html: false, csv: false, png: false });
  const [testResult, setTestResult] = useState<SmtpTestResult | null>(null);

  const list = accounts.data ?? [];
  const choice = accountChoice ?? (list[0] ? String(list[0].id) : 'new');
  const isNew = choice === 'new';
  const secretStore = store ?? (keychain ? 'keychain' : 'file');
  const parsed = splitRecipients(recipients);

  /** The account to send with: the one chosen, or the new one (created once, on first use). */
  const ensureAccount = async (): Promise<number> => {
    if (!isNew) return Number(choice);
    const trust: TlsTrust =
      trustKind === 'ca_file' ? { kind: 'ca_file', path: trustValue.trim() } : trustKind === 'pinned' ? { kind: 'pinned', fingerprint256: trustValue.trim() } : { kind: 'system' };
    const created = await api.call('smtp.accounts.create', {
      host: host.trim(),
      ...(port === '' ? {} : { port }),
      security,
      user: user.trim(),
      from: from.trim(),
      fromName: fromName.trim() || null,
      trust,
      secret:
        auth === 'oauth2' && signedIn
          ? { store: 'oauth2', grant: signedIn.grant }
          : secretStore === 'keychain'
            ? { store: 'keychain', password }
            : { store: 'file', path: credentialsPath.trim(), password },
    });
    await client.invalidateQueries({ queryKey: reportKeys.smtpAccounts });
    setAccountChoice(String(created.id));
    return created.id;
  };

  const test = useMutation({
    mutationFn: async () => {
      const id = await ensureAccount();
      const to = parsed.addresses[0] ?? (isNew ? from.trim() : list.find((a) => a.id === id)?.from);
      return api.call('smtp.accounts.test', { id, ...(to ? { to } : {}) });
    },
    onSuccess: (result) => setTestResult(result),
  });

  const save = useMutation({
    mutationFn: async (sendNow: boolean) => {
      if (parsed.invalid) throw new AppError('smtp_recipient_invalid', { address: parsed.invalid });
      const smtpAccountId = await ensureAccount();
      const spec: ReportSpecInput = {
        datasetId: dataset.id,
        period: { kind: period } as ReportPeriod,
        zone,
        language,
        recipients: parsed.addresses,
        subject: subject.trim(),
        smtpAccountId,
        attachments,
      };
      const saved = report ? await api.call('reports.update', { id: report.id, name: name.trim(), ...spec }) : await api.call('reports.create', { name: name.trim(), ...spec });
      await client.invalidateQueries({ queryKey: reportKeys.reports });
      return { saved, sendNow };
    },
    onSuccess: ({ saved, sendNow }) => onSaved(saved, sendNow),
  });

  const secretReady = auth === 'oauth2' ? signedIn !== null : password && (secretStore === 'keychain' || credentialsPath.trim());
  const accountReady = !isNew || (host.trim() && user.trim() && secretReady && from.trim() && (trustKind === 'system' || trustValue.trim()));
  const canSave = Boolean(name.trim() && subject.trim() && parsed.addresses.length > 0 && !parsed.invalid && accountReady);
  const error = save.error ?? test.error;

  return (
    <Dialog opened onClose={onClose} title={report ? t('report.settingsTitle') : t('report.setupTitle')} size="lg" data-testid="report-settings">
      <Stack gap="sm">
        {!report && (
          <Text size="sm" c="dimmed">
            {t('report.setupIntro')}
          </Text>
        )}
        <Select
          label={t('report.account')}
          value={choice}
          onChange={(value) => {
            setAccountChoice(value);
            setTestResult(null);
          }}
          allowDeselect={false}
          data={[...list.map((a) => ({ value: String(a.id), label: `${a.name} (${a.from})` })), { value: 'new', label: t('report.newAccount') }]}
          data-testid="report-account"
        />
        {isNew && (
          <Stack gap="sm" p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }}>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label={t('report.host')} placeholder="smtp.example.com" value={host} onChange={(e) => setHost(e.currentTarget.value)} required style={{ gridColumn: 'span 2' }} data-testid="smtp-host" />
              <NumberInput
                label={t('report.port')}
                placeholder={String(defaultSmtpPort[security])}
                value={port}
                onChange={(value) => setPort(typeof value === 'number' ? value : '')}
                min={1}
                max={65535}
                allowDecimal={false}
                thousandSeparator=""
                data-testid="smtp-port"
              />
            </SimpleGrid>
            <SegmentedControl
              value={security}
              onChange={(value) => setSecurity(value as SmtpSecurity)}
              data={[
                { value: 'starttls', label: t('report.securityStarttls') },
                { value: 'tls', label: t('report.securityTls') },
              ]}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('oauth.fields.auth')}
              </Text>
              <SegmentedControl
                value={auth}
                onChange={(value) => setAuth(value as 'password' | 'oauth2')}
                data={[
                  { value: 'password', label: t('oauth.auth.password') },
                  { value: 'oauth2', label: t('oauth.auth.oauth2') },
                ]}
                data-testid="smtp-auth"
              />
            </Stack>
            {auth === 'oauth2' ? (
              <>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput label={t('oauth.fields.mailbox')} placeholder="reports@example.com" value={user} onChange={(e) => setUser(e.currentTarget.value)} required autoComplete="off" data-testid="smtp-user" />
                  <TextInput label={t('report.from')} placeholder={user.trim() || 'reports@example.com'} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required data-testid="smtp-from" />
                  <TextInput label={t('report.fromName')} value={fromName} onChange={(e) => setFromName(e.currentTarget.value)} />
                </SimpleGrid>
                <OAuthSignInFields
                  user={user}
                  signedIn={signedIn}
                  onSignedIn={setSignedIn}
                  onProvider={(provider) => {
                    if (provider !== 'custom' && !host.trim()) setHost(presetHosts[provider].smtp);
                  }}
                />
              </>
            ) : (
              <>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput label={t('report.user')} value={user} onChange={(e) => setUser(e.currentTarget.value)} required autoComplete="off" data-testid="smtp-user" />
                  <PasswordInput label={t('report.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="new-password" data-testid="smtp-password" />
                  <TextInput label={t('report.from')} placeholder="reports@example.com" value={from} onChange={(e) => setFrom(e.currentTarget.value)} required data-testid="smtp-from" />
                  <TextInput label={t('report.fromName')} value={fromName} onChange={(e) => setFromName(e.currentTarget.value)} />
                </SimpleGrid>
                <Stack gap={4}>
                  <Text size="sm" fw={500}>
                    {t('report.store')}
                  </Text>
                  <SegmentedControl
                    value={secretStore}
                    onChange={(value) => setStore(value as 'keychain' | 'file')}
                    data={[
                      { value: 'keychain', label: t('report.storeKeychain'), disabled: !keychain },
                      { value: 'file', label: t('report.storeFile') },
                    ]}
                  />
                  {secretStore === 'keychain' && <SecureStoreNote />}
                </Stack>
                {secretStore === 'file' && (
                  <TextInput
                    label={t('report.credentialsPath')}
                    placeholder="/home/logs/.config/logscope/smtp.pw"
                    value={credentialsPath}
                    onChange={(e) => setCredentialsPath(e.currentTarget.value)}
                    required
                    data-testid="smtp-credentials-path"
                  />
                )}
              </>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label={t('report.trust')}
                value={trustKind}
                onChange={(value) => setTrustKind((value as TlsTrust['kind'] | null) ?? 'system')}
                allowDeselect={false}
                data={[
                  { value: 'system', label: t('report.trustSystem') },
                  { value: 'ca_file', label: t('report.trustCaFile') },
                  { value: 'pinned', label: t('report.trustPinned') },
                ]}
                data-testid="smtp-trust"
              />
              {trustKind !== 'system' && (
                <TextInput
                  label={trustKind === 'ca_file' ? t('report.caFile') : t('report.fingerprint')}
                  placeholder={trustKind === 'ca_file' ? '/etc/ssl/private-ca.pem' : 'AB:CD:…'}
                  value={trustValue}
                  onChange={(e) => setTrustValue(e.currentTarget.value)}
                  ff={trustKind === 'pinned' ? 'monospace' : undefined}
                  required
                  data-testid="smtp-trust-value"
                />
              )}
            </SimpleGrid>
          </Stack>
        )}
        <Divider />
        <TextInput
          label={t('report.recipients')}
          description={t('report.recipientsHelp')}
          placeholder="ops@example.com, lead@example.com"
          value={recipients}
          onChange={(e) => setRecipients(e.currentTarget.value)}
          error={parsed.invalid ? t('report.recipientInvalid', { address: parsed.invalid }) : null}
          required
          data-testid="report-recipients"
        />
        <TextInput label={t('report.subject')} description={t('report.subjectHelp')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} required />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('report.period')}
            value={period}
            onChange={(value) => value && setPeriod(value as PeriodChoice)}
            allowDeselect={false}
            data={periodChoices.map((p) => ({ value: p, label: t(`report.period_${p}`) }))}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('report.language')}
            </Text>
            <SegmentedControl
              value={language}
              onChange={(value) => setLanguage(value as 'ko' | 'en')}
              data={[
                { value: 'ko', label: '한국어' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Stack>
        </SimpleGrid>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('report.attachments')}
          </Text>
          <Group gap="lg">
            <Checkbox label={t('report.attachHtml')} checked={attachments.html} onChange={(e) => setAttachments({ ...attachments, html: e.currentTarget.checked })} />
            <Checkbox label={t('report.attachCsv')} checked={attachments.csv} onChange={(e) => setAttachments({ ...attachments, csv: e.currentTarget.checked })} />
            <Checkbox label={t('report.attachPng')} checked={attachments.png} onChange={(e) => setAttachments({ ...attachments, png: e.currentTarget.checked })} />
          </Group>
        </Stack>
        <TextInput label={t('report.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        {testResult && (
          <Alert color={testResult.ok ? 'green' : 'red'} data-testid="report-test-result">
            {testResult.ok
              ? t('report.testSent', { server: isNew ? host : (list.find((a) => String(a.id) === choice)?.host ?? ''), to: testResult.sent?.to ?? '' })
              : t('report.testFailed', { detail: testResult.error ? errorText(recordedError(testResult.error)) : '' })}
          </Alert>
        )}
        {error && <Alert color="red">{errorText(error)}</Alert>}
        <Group justify="space-between">
          <Button variant="default" leftSection={<IconSend size={16} />} loading={test.isPending} disabled={!accountReady} onClick={() => test.mutate()} data-testid="report-test-mail">
            {t('report.testMail')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button variant={report ? 'filled' : 'default'} loading={save.isPending && save.variables === false} disabled={!canSave} onClick={() => save.mutate(false)}>
              {t('report.save')}
            </Button>
            {!report && (
              <Button loading={save.isPending && save.variables === true} disabled={!canSave} onClick={() => save.mutate(true)} data-testid="report-save-send">
                {t('report.saveAndSend')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </Dialog>
  );
}
