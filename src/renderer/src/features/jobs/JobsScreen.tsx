import { useEffect, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  NumberInput,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { fromWireError, isWireError } from '@shared/api/errors';
import type { Job, JobRun, JobTarget, ScheduleSpec } from '@shared/api/contract/jobs';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { useReports, useSmtpAccounts } from '../report/useReport';
import { runtimeTimeZoneChoices } from '@shared/time/zones';

const jobKeys = { jobs: ['jobs'] as const, runs: ['jobs', 'runs'] as const, retention: ['retention'] as const };

/** Keeps the Jobs page current: the owner says when a job starts, ends or changes. */
function useJobs() {
  const api = useApi();
  const client = useQueryClient();
  useEffect(
    () =>
      api.on('jobs.changed', () => {
        void client.invalidateQueries({ queryKey: jobKeys.jobs });
      }),
    [api, client],
  );
  const jobs = useQuery({ queryKey: jobKeys.jobs, queryFn: ({ signal }) => api.call('jobs.list', {}, { signal }) });
  const runs = useQuery({ queryKey: jobKeys.runs, queryFn: ({ signal }) => api.call('jobs.runs', { limit: 50 }, { signal }) });
  return { jobs, runs };
}

/**
 * Scheduled work: what runs when, what happened last, and the run log. The same jobs run
 * from `logscope jobs run` on a server; a job never runs twice at once.
 */
export function JobsScreen({ zone, datasets }: { zone: string; datasets: DatasetSummary[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const { jobs, runs } = useJobs();
  const [adding, setAdding] = useState(false);
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: jobKeys.jobs });
    await client.invalidateQueries({ queryKey: jobKeys.runs });
  };
  const runNow = useMutation({ mutationFn: (id: number) => api.call('jobs.runNow', { id }), onSettled: refresh });
  const toggle = useMutation({ mutationFn: (job: Job) => api.call('jobs.update', { id: job.id, enabled: !job.enabled }), onSettled: refresh });
  const remove = useMutation({ mutationFn: (id: number) => api.call('jobs.remove', { id }), onSettled: refresh });
  const error = runNow.error ?? toggle.error ?? remove.error;

  return (
    <Stack h="calc(100dvh - 52px - 2 * var(--mantine-spacing-md))" gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('jobs.title')}</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
          {t('jobs.add')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('jobs.intro')}
      </Text>
      {error && <Alert color="red">{errorText(error)}</Alert>}
      <Table withTableBorder striped data-testid="jobs-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('jobs.name')}</Table.Th>
            <Table.Th>{t('jobs.kind')}</Table.Th>
            <Table.Th>{t('jobs.schedule')}</Table.Th>
            <Table.Th>{t('jobs.next')}</Table.Th>
            <Table.Th>{t('jobs.last')}</Table.Th>
            <Table.Th>{t('jobs.enabled')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(jobs.data ?? []).map((job) => (
            <Table.Tr key={job.id}>
              <Table.Td fw={500}>{job.name}</Table.Td>
              <Table.Td>{t(`jobs.kind_${job.target.kind}`)}</Table.Td>
              <Table.Td>{describe(job.schedule, t)}</Table.Td>
              <Table.Td>{job.running ? <Badge color="blue">{t('jobs.running')}</Badge> : job.nextRunAt ? formatInstant(job.nextRunAt, zone, false) : '—'}</Table.Td>
              <Table.Td>
                {job.lastRunAt ? (
                  <Group gap={6} wrap="nowrap">
                    <OutcomeBadge outcome={job.lastOutcome} />
                    <Text size="sm">{formatInstant(job.lastRunAt, zone, false)}</Text>
                  </Group>
                ) : (
                  '—'
                )}
              </Table.Td>
              <Table.Td>
                <Switch checked={job.enabled} onChange={() => toggle.mutate(job)} aria-label={t('jobs.enabled')} />
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Tooltip label={t('jobs.runNow')}>
                    <ActionIcon variant="subtle" aria-label={t('jobs.runNow')} loading={runNow.isPending && runNow.variables === job.id} onClick={() => runNow.mutate(job.id)}>
                      <IconPlayerPlay size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t('jobs.remove')}>
                    <ActionIcon variant="subtle" color="red" aria-label={t('jobs.remove')} onClick={() => remove.mutate(job.id)}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {jobs.data?.length === 0 && <Text c="dimmed">{t('jobs.none')}</Text>}
      <RetentionPanel datasets={datasets} />
      <Title order={4}>{t('jobs.runs')}</Title>
      <ScrollArea style={{ flex: 1, minHeight: 120 }}>
        <RunLog runs={runs.data ?? []} zone={zone} />
      </ScrollArea>
      {adding && <AddJobDialog datasets={datasets} zone={zone} onClose={() => setAdding(false)} onAdded={refresh} />}
    </Stack>
  );
}

function describe(schedule: ScheduleSpec, t: (key: string, params?: Record<string, unknown>) => string) {
  return schedule.kind === 'interval' ? t('jobs.every', { minutes: schedule.minutes }) : t('jobs.cron', { expression: schedule.expression, zone: schedule.timeZone });
}

function OutcomeBadge({ outcome }: { outcome: Job['lastOutcome'] }) {
  const { t } = useTranslation();
  if (!outcome) return null;
  const color = outcome === 'succeeded' ? 'green' : outcome === 'failed' ? 'red' : 'gray';
  return (
    <Badge color={color} variant="light">
      {t(`jobs.outcome_${outcome}`)}
    </Badge>
  );
}

function RunLog({ runs, zone }: { runs: JobRun[]; zone: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if (runs.length === 0) return <Text c="dimmed">{t('jobs.noRuns')}</Text>;
  return (
    <Table fz="sm" data-testid="job-runs">
      <Table.Tbody>
        {runs.map((run) => (
          <Table.Tr key={run.id}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatInstant(run.startedAt, zone, false)}</Table.Td>
            <Table.Td>{run.jobName}</Table.Td>
            <Table.Td>
              <OutcomeBadge outcome={run.outcome} />
            </Table.Td>
            <Table.Td c="dimmed">{t(`jobs.trigger_${run.trigger}`)}</Table.Td>
            <Table.Td>
              {isWireError(run.error) ? (
                <Text size="sm" c="red" style={{ wordBreak: 'break-word' }}>
                  {errorText(fromWireError(run.error))}
                </Text>
              ) : (
                <Text size="sm" style={{ wordBreak: 'break-word' }}>
                  {run.message}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RetentionPanel({ datasets }: { datasets: DatasetSummary[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const policies = useQuery({ queryKey: jobKeys.retention, queryFn: ({ signal }) => api.call('retention.list', {}, { signal }) });
  const save = useMutation({
    mutationFn: (policy: { datasetId: number; keepDays: number | null; keepRows: number | null }) => api.call('retention.set', policy),
    onSettled: () => client.invalidateQueries({ queryKey: jobKeys.retention }),
  });
  const byDataset = new Map((policies.data ?? []).map((p) => [p.datasetId, p]));
  return (
    <Stack gap={4}>
      <Title order={4}>{t('jobs.retentionTitle')}</Title>
      <Text size="sm" c="dimmed">
        {t('jobs.retentionHelp')}
      </Text>
      <Table withTableBorder maw={640}>
        <Table.Tbody>
          {/* The inputs are uncontrolled: they start from the stored policy, so they wait for it. */}
          {policies.data &&
            datasets.map((dataset) => {
              const policy = byDataset.get(dataset.id);
              return (
                <Table.Tr key={dataset.id}>
                  <Table.Td fw={500}>{dataset.name}</Table.Td>
                  <Table.Td>
                    <NumberInput
                      size="xs"
                      w={140}
                      min={1}
                      aria-label={`${t('jobs.keepDays')} ${dataset.name}`}
                      placeholder={t('jobs.keepDays')}
                      defaultValue={policy?.keepDays ?? ''}
                      onBlur={(event) => save.mutate({ datasetId: dataset.id, keepDays: numberOrNull(event.currentTarget.value), keepRows: policy?.keepRows ?? null })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <NumberInput
                      size="xs"
                      w={160}
                      min={1}
                      thousandSeparator=","
                      aria-label={`${t('jobs.keepRows')} ${dataset.name}`}
                      placeholder={t('jobs.keepRows')}
                      defaultValue={policy?.keepRows ?? ''}
                      onBlur={(event) =>
                        save.mutate({ datasetId: dataset.id, keepDays: policy?.keepDays ?? null, keepRows: numberOrNull(event.currentTarget.value.replaceAll(',', '')) })
                      }
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

const numberOrNull = (text: string): number | null => (text.trim() && Number(text) > 0 ? Math.round(Number(text)) : null);

function AddJobDialog({ datasets, zone, onClose, onAdded }: { datasets: DatasetSummary[]; zone: string; onClose: () => void; onAdded: () => Promise<void> }) {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const rules = useQuery({ queryKey: ['mail', 'rules'], queryFn: ({ signal }) => api.call('mail.rules.list', {}, { signal }) });
  const reports = useReports();
  const smtpAccounts = useSmtpAccounts();
  const [reportId, setReportId] = useState<string | null>(null);
  const [smtpAccountId, setSmtpAccountId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<JobTarget['kind']>('fetch');
  const [ruleId, setRuleId] = useState<string | null>(null);
  const [scheduleKind, setScheduleKind] = useState<'interval' | 'cron'>('interval');
  const [minutes, setMinutes] = useState<number>(15);
  const [expression, setExpression] = useState('0 9 * * 1-5');
  const [cronZone, setCronZone] = useState(zone);
  const [datasetId, setDatasetId] = useState<string | null>(datasets[0] ? String(datasets[0].id) : null);
  const [alertRule, setAlertRule] = useState<'unusual' | 'threshold'>('unusual');
  const [threshold, setThreshold] = useState<number>(0.05);
  const [recipients, setRecipients] = useState('');

  const create = useMutation({
    mutationFn: () => {
      const schedule: ScheduleSpec =
        scheduleKind === 'interval' ? { kind: 'interval', minutes } : { kind: 'cron', expression: expression.trim(), timeZone: cronZone };
      const target: JobTarget =
        kind === 'fetch'
          ? { kind: 'fetch', ruleId: Number(ruleId) }
          : kind === 'alert'
            ? {
                kind: 'alert',
                alert: {
                  datasetId: Number(datasetId),
                  rule: alertRule,
                  threshold: alertRule === 'threshold' ? threshold : null,
                  bucketMinutes: 5,
                  recipients: recipients.split(',').map((r) => r.trim()).filter(Boolean),
                  smtpAccountId: smtpAccountId ? Number(smtpAccountId) : null,
                },
              }
            : kind === 'report'
              ? { kind: 'report', reportId: Number(reportId) }
              : { kind: 'retention' };
      return api.call('jobs.create', { name: name.trim(), target, schedule });
    },
    onSuccess: async () => {
      await onAdded();
      onClose();
    },
  });

  return (
    <Dialog opened onClose={onClose} title={t('jobs.add')} size="lg">
      <Stack>
        <TextInput label={t('jobs.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <Select
          label={t('jobs.kind')}
          data-testid="job-kind"
          data={(['fetch', 'report', 'alert', 'retention'] as const).map((k) => ({ value: k, label: t(`jobs.kind_${k}`) }))}
          value={kind}
          onChange={(value) => value && setKind(value as JobTarget['kind'])}
          allowDeselect={false}
        />
        {kind === 'report' && (
          <Select
            label={t('jobs.report')}
            data={(reports.data ?? []).map((r) => ({ value: String(r.id), label: `${r.name} (${r.dataset ?? '?'})` }))}
            value={reportId}
            onChange={setReportId}
            data-testid="job-report"
          />
        )}
        {kind === 'fetch' && (
          <Select
            label={t('jobs.rule')}
            data={(rules.data ?? []).map((r) => ({ value: String(r.id), label: r.name }))}
            value={ruleId}
            onChange={setRuleId}
          />
        )}
        {kind === 'alert' && (
          <>
            <Select
              label={t('jobs.alertDataset')}
              data={datasets.map((d) => ({ value: String(d.id), label: d.name }))}
              value={datasetId}
              onChange={setDatasetId}
            />
            <SegmentedControl
              value={alertRule}
              onChange={(value) => setAlertRule(value as 'unusual' | 'threshold')}
              data={[
                { value: 'unusual', label: t('jobs.alertRule_unusual') },
                { value: 'threshold', label: t('jobs.alertRule_threshold') },
              ]}
            />
            {alertRule === 'threshold' && (
              <NumberInput label={t('jobs.threshold')} min={0} max={1} step={0.01} decimalScale={3} value={threshold} onChange={(v) => setThreshold(Number(v))} />
            )}
            <TextInput label={t('jobs.recipients')} value={recipients} onChange={(e) => setRecipients(e.currentTarget.value)} />
            <Select
              label={t('report.account')}
              data={(smtpAccounts.data ?? []).map((a) => ({ value: String(a.id), label: `${a.name} (${a.from})` }))}
              value={smtpAccountId ?? (smtpAccounts.data?.length === 1 ? String(smtpAccounts.data[0]!.id) : null)}
              onChange={setSmtpAccountId}
              placeholder={smtpAccounts.data?.length === 0 ? t('report.noAccount') : undefined}
              data-testid="job-smtp-account"
            />
          </>
        )}
        <SegmentedControl
          value={scheduleKind}
          onChange={(value) => setScheduleKind(value as 'interval' | 'cron')}
          data={[
            { value: 'interval', label: t('jobs.scheduleKind_interval') },
            { value: 'cron', label: t('jobs.scheduleKind_cron') },
          ]}
        />
        {scheduleKind === 'interval' ? (
          <NumberInput label={t('jobs.minutes')} min={1} value={minutes} onChange={(v) => setMinutes(Number(v))} />
        ) : (
          <Group grow align="flex-start">
            <TextInput label={t('jobs.expression')} description={t('jobs.expressionHelp')} value={expression} onChange={(e) => setExpression(e.currentTarget.value)} />
            <Select label={t('jobs.zone')} data={runtimeTimeZoneChoices(cronZone)} searchable value={cronZone} onChange={(v) => v && setCronZone(v)} allowDeselect={false} />
          </Group>
        )}
        {create.error && <Alert color="red">{errorText(create.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={create.isPending} disabled={!name.trim() || (kind === 'fetch' && !ruleId) || (kind === 'report' && !reportId)} onClick={() => create.mutate()}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}
