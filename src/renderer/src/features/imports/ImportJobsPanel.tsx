import { Button, Card, CloseButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportJob, ImportJobPush } from '@shared/api/contract/imports';
import { useErrorText } from '../../ui/useErrorText';
import { formatSize } from './formatSize';
import { toAppError, type ImportJobsState, type Upload } from './useImportJobs';

/**
 * Imports going on while the user works elsewhere: bytes of total, rows, rate and time left,
 * a cancel button, and the way to the new dataset when done.
 */
export function ImportJobsPanel({ state, onOpenDataset }: { state: ImportJobsState; onOpenDataset: (datasetId: number) => void }) {
  const { t } = useTranslation();
  if (state.jobs.length === 0 && state.uploads.length === 0) return null;
  return (
    // Bounded, so a run of finished imports does not push the dataset list out of sight;
    // the cards keep their height (flexShrink 0) and the list scrolls instead of clipping them.
    <Stack gap="xs" mt="sm" mah={280} style={{ overflowY: 'auto' }} aria-label={t('imports.jobs.title')} role="region" data-testid="import-jobs">
      {state.uploads.map((upload) => (
        <UploadCard key={upload.key} upload={upload} onCancel={() => state.cancelUpload(upload.key)} />
      ))}
      {state.jobs.map((job) => (
        <JobCard key={job.jobId} job={job} onCancel={() => state.cancel(job.jobId)} onDismiss={() => state.dismiss(job.jobId)} onOpenDataset={onOpenDataset} />
      ))}
    </Stack>
  );
}

function UploadCard({ upload, onCancel }: { upload: Upload; onCancel: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <Card withBorder padding="xs" style={{ flexShrink: 0 }} data-testid="import-job" data-phase={upload.error ? 'failed' : 'uploading'}>
      <Text size="sm" fw={600} truncate>
        {upload.files.join(', ')}
      </Text>
      {upload.error ? (
        <Text size="xs" c="red">
          {errorText(upload.error)}
        </Text>
      ) : (
        <>
          <Progress value={(upload.sentBytes / Math.max(1, upload.totalBytes)) * 100} animated size="sm" my={4} aria-label={t('imports.jobs.phase_uploading')} />
          <Text size="xs" c="dimmed">
            {t('imports.jobs.bytes', { phase: t('imports.jobs.phase_uploading'), done: formatSize(upload.sentBytes), total: formatSize(upload.totalBytes) })}
          </Text>
        </>
      )}
      <Group justify="flex-end" mt={4}>
        <Button size="compact-xs" variant="light" color={upload.error ? 'gray' : 'red'} onClick={onCancel}>
          {upload.error ? t('imports.jobs.dismiss') : t('imports.cancel')}
        </Button>
      </Group>
    </Card>
  );
}

function JobCard({ job, onCancel, onDismiss, onOpenDataset }: { job: ImportJob; onCancel: () => void; onDismiss: () => void; onOpenDataset: (datasetId: number) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const p = job.progress;
  const share = p && p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  const opened = job.results.flatMap((r) => (r.ok && r.result.datasetId !== null ? [r.result.datasetId] : []));
  return (
    <Card withBorder padding="xs" style={{ flexShrink: 0 }} data-testid="import-job" data-phase={job.phase}>
      <Group justify="space-between" wrap="nowrap" gap={4}>
        <Text size="sm" fw={600} truncate>
          {job.files.join(', ')}
        </Text>
        {job.phase !== 'running' && <CloseButton size="sm" aria-label={t('imports.jobs.dismiss')} onClick={onDismiss} />}
      </Group>
      {job.phase === 'running' && (
        <>
          {/* Beside the bar, not under the text: the button stays put while the progress text changes and wraps. */}
          <Group wrap="nowrap" gap="xs" my={4}>
            <Progress value={share * 100} animated size="sm" style={{ flex: 1 }} aria-label={t('imports.jobs.running')} />
            <Button size="compact-xs" variant="light" color="red" style={{ flexShrink: 0 }} onClick={onCancel}>
              {t('imports.cancel')}
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {p
              ? [
                  p.fileCount > 1 ? t('imports.jobs.fileOf', { index: p.fileIndex + 1, count: p.fileCount }) : null,
                  t('imports.jobs.bytes', { phase: t(`imports.phase_${p.phase}`), done: formatSize(p.bytesDone), total: formatSize(p.bytesTotal) }),
                  p.rows > 0 ? t('imports.rate', { rows: p.rows, rate: Math.round(p.rowsPerSecond) }) : null,
                  p.secondsLeft !== null && p.phase !== 'done' ? t('imports.jobs.left', { time: formatDuration(p.secondsLeft) }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')
              : t('imports.jobs.starting')}
          </Text>
        </>
      )}
      {job.phase === 'cancelled' && job.pushes.every((push) => push.phase !== 'cancelled') && (
        <Text size="xs" c="dimmed">
          {t('imports.jobs.cancelled')}
        </Text>
      )}
      {job.error && (
        <Text size="xs" c="red">
          {errorText(toAppError(job.error))}
        </Text>
      )}
      {job.results.map((item, i) =>
        item.ok ? (
          <Text key={i} size="xs" c={item.result.duplicate ? 'blue' : 'green'}>
            {item.result.duplicate
              ? t('imports.resultDuplicate', { file: item.result.file, dataset: item.result.dataset })
              : [
                  t('imports.resultImported', { file: item.result.file, dataset: item.result.dataset, rows: item.result.rows }),
                  item.result.rejected ? t('imports.resultRejected', { count: item.result.rejected }) : null,
                  item.result.grownFrom ? t('imports.resultGrown', { line: item.result.grownFrom.fromLine }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
          </Text>
        ) : (
          <Text key={i} size="xs" c="red">
            {t('imports.failed', { file: item.file, message: errorText(toAppError(item.error)) })}
          </Text>
        ),
      )}
      {job.engine !== null && job.pushes.map((push) => <PushLine key={push.dataset} push={push} engine={job.engine!} />)}
      {opened.length > 0 && (
        <Group justify="flex-end" mt={4}>
          <Button size="compact-xs" variant="light" onClick={() => onOpenDataset(opened[0]!)}>
            {t('imports.jobs.open')}
          </Button>
        </Group>
      )}
    </Card>
  );
}

/** One dataset's copy into ClickHouse: its rows as they go, then what happened; a failure says the data stayed here. */
function PushLine({ push, engine }: { push: ImportJobPush; engine: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const names = { dataset: push.dataset, engine };
  if (push.phase === 'pushing') {
    return (
      <>
        {push.rowsTotal !== null && (
          <Progress value={(push.rowsSent / Math.max(1, push.rowsTotal)) * 100} animated size="sm" my={4} aria-label={t('imports.jobs.pushStarting', names)} />
        )}
        <Text size="xs" c="dimmed" data-testid="import-push" data-phase={push.phase}>
          {push.rowsTotal === null ? t('imports.jobs.pushStarting', names) : t('imports.jobs.pushing', { ...names, done: push.rowsSent, total: push.rowsTotal })}
        </Text>
      </>
    );
  }
  const text =
    push.phase === 'done'
      ? [
          t('imports.jobs.pushDone', { ...names, table: push.table ?? push.dataset, rows: push.rowsSent }),
          push.duplicates ? t('imports.jobs.pushDuplicates', { count: push.duplicates }) : null,
          push.withoutTime ? t('imports.jobs.pushWithoutTime', { count: push.withoutTime }) : null,
        ]
          .filter(Boolean)
          .join(' · ')
      : push.phase === 'failed'
        ? t('imports.jobs.pushFailed', { ...names, message: push.error ? errorText(toAppError(push.error)) : '' })
        : push.phase === 'cancelled'
          ? t('imports.jobs.pushCancelled', names)
          : t('imports.jobs.pushWaiting', names);
  return (
    <Text size="xs" c={push.phase === 'done' ? 'green' : push.phase === 'failed' ? 'red' : 'dimmed'} data-testid="import-push" data-phase={push.phase}>
      {text}
    </Text>
  );
}

function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
