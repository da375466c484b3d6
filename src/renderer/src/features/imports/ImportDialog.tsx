import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  CloseButton,
  Group,
  Loader,
  Modal,
  Progress,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Cell, DatasetSummary, EventPayload } from '@shared/api/contract';
import { importFormats, type FilePreview, type FileRef, type ImportItemResult, type ImportOptions } from '@shared/api/contract/imports';
import { AppError, isWireError } from '@shared/api/errors';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { headOf, uploadFile, type ImportSource } from './fileRefs';
import { FormatAlternatives } from './FormatAlternatives';
import { runtimeTimeZoneChoices } from '@shared/time/zones';

interface Entry {
  key: string;
  file: ImportSource;
  /** One file inside a zip archive (its name in the archive). */
  member?: string;
  /** A zip in browser mode: its files are recognised when it is imported, not before. */
  unpreviewed?: boolean;
  options: ImportOptions;
  preview: FilePreview | null;
  error: AppError | null;
  loading: boolean;
}

type Progress = EventPayload<'import.progress'>;

const delimiters = [
  { value: ',', label: ', (comma)' },
  { value: '\t', label: '⇥ (tab)' },
  { value: ';', label: '; (semicolon)' },
  { value: '|', label: '| (pipe)' },
];
const timeFormats = ['iso', 'epoch_s', 'epoch_ms', 'epoch_us', '%d/%m/%Y %H:%M:%S', '%m/%d/%Y %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%d/%b/%Y:%H:%M:%S %z'];

/**
 * What Logscope recognised in each dropped file, with every guess correctable, then the
 * import with a progress bar that can be cancelled. Detection always runs in the main
 * process (in DuckDB); in browser mode it sees the file's first megabyte before upload.
 */
export function ImportDialog({
  files,
  datasets,
  zone,
  onClose,
}: {
  files: ImportSource[];
  datasets: DatasetSummary[];
  zone: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Record<number, Progress>>({});
  const [uploaded, setUploaded] = useState<Record<string, number>>({});
  const [results, setResults] = useState<ImportItemResult[] | null>(null);
  const abort = useRef<AbortController | null>(null);
  const jobId = useRef(`job-${Date.now()}`);

  const previewEntry = useCallback(
    async (entry: Entry) => {
      setEntries((all) => all.map((e) => (e.key === entry.key ? { ...e, loading: true } : e)));
      try {
        const ref = entry.file.kind === 'blob' ? await headOf(entry.file.blob) : { path: entry.file.path, ...(entry.member ? { member: entry.member } : {}) };
        const items = await api.call('import.preview', { files: [ref], options: [entry.options] });
        const [item] = items;
        // A zip archive previews as its members: one card each.
        const members = items.flatMap((i) => (i.ok && i.preview.archive ? [i.preview] : []));
        setEntries((all) =>
          all.flatMap((e): Entry[] => {
            if (e.key !== entry.key) return [e];
            if (!entry.member && members.length > 1) {
              return members.map((preview) => ({ ...e, key: `${e.key}/${preview.archive!.member}`, member: preview.archive!.member, preview, error: null, loading: false }));
            }
            if (item && !item.ok && item.error.code === 'archive_preview_unavailable') {
              return [{ ...e, preview: null, unpreviewed: true, error: toAppError(item.error), loading: false }];
            }
            return [
              item?.ok
                ? { ...e, preview: item.preview, error: null, loading: false }
                : { ...e, preview: null, error: toAppError(item && !item.ok ? item.error : null), loading: false },
            ];
          }),
        );
      } catch (error) {
        setEntries((all) => all.map((e) => (e.key === entry.key ? { ...e, error: toAppError(error), loading: false } : e)));
      }
    },
    [api],
  );

  useEffect(() => {
    const initial = files.map((file, index) => ({
      key: `${index}-${file.name}`,
      file,
      // Times without an offset are read in the user's zone unless they choose another.
      options: { timeZone: zone },
      preview: null,
      error: null,
      loading: true,
    }));
    setEntries(initial);
    for (const entry of initial) void previewEntry(entry);
  }, [files, previewEntry, zone]);

  useEffect(
    () =>
      api.on('import.progress', (p) => {
        if (p.jobId === jobId.current) setProgress((all) => ({ ...all, [p.fileIndex]: p }));
      }),
    [api],
  );

  const change = (entry: Entry, patch: Partial<ImportOptions>) => {
    const next = { ...entry, options: { ...entry.options, ...patch } };
    setEntries((all) => all.map((e) => (e.key === entry.key ? next : e)));
    void previewEntry(next);
  };

  const importable = entries.filter((e) => (e.preview && !e.error) || e.unpreviewed);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setResults(null);
    try {
      const refs: { file: FileRef; options: ImportOptions }[] = [];
      for (const entry of importable) {
        const file: FileRef =
          entry.file.kind === 'blob'
            ? await uploadFile(entry.file.blob, (sent) => setUploaded((all) => ({ ...all, [entry.key]: sent })), controller.signal)
            : { path: entry.file.path, ...(entry.member ? { member: entry.member } : {}) };
        // The preview's options are what detection settled on with the user's corrections:
        // the import reads the file exactly as the preview showed it.
        refs.push({ file, options: entry.preview?.options ?? {} });
      }
      const done = await api.call('import.run', { jobId: jobId.current, files: refs, origin: 'dropped' }, { signal: controller.signal });
      setResults(done);
    } catch (error) {
      setResults([{ ok: false, file: '', error: { code: toAppError(error).code, params: toAppError(error).params } }]);
    } finally {
      setRunning(false);
      abort.current = null;
    }
  };

  return (
    <Modal opened onClose={running ? () => undefined : onClose} title={t('imports.previewTitle')} size="90%" closeOnClickOutside={!running}>
      <Stack>
        {entries.map((entry, index) => (
          <FileCard
            key={entry.key}
            entry={entry}
            datasets={datasets}
            zone={zone}
            disabled={running || results !== null}
            progress={progress[importable.indexOf(entry)] ?? null}
            uploaded={uploaded[entry.key] ?? null}
            onChange={(patch) => change(entry, patch)}
            onRemove={() => setEntries((all) => all.filter((_, i) => i !== index))}
            errorText={errorText}
          />
        ))}
        {results && <ImportResults results={results} errorText={errorText} />}
        <Group justify="flex-end">
          {running ? (
            <Button color="red" variant="light" onClick={() => abort.current?.abort()}>
              {t('imports.cancel')}
            </Button>
          ) : results ? (
            <Button onClick={onClose}>{t('common.close')}</Button>
          ) : (
            <>
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button disabled={importable.length === 0 || entries.some((e) => e.loading)} onClick={() => void start()}>
                {t('imports.importButton', { count: importable.length })}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function FileCard({
  entry,
  datasets,
  zone,
  disabled,
  progress,
  uploaded,
  onChange,
  onRemove,
  errorText,
}: {
  entry: Entry;
  datasets: DatasetSummary[];
  zone: string;
  disabled: boolean;
  progress: Progress | null;
  uploaded: number | null;
  onChange: (patch: Partial<ImportOptions>) => void;
  onRemove: () => void;
  errorText: (error: unknown) => string;
}) {
  const { t } = useTranslation();
  const preview = entry.preview;
  const target = entry.options.dataset ?? preview?.options.dataset;
  const datasetKind = target?.kind ?? 'new';
  return (
    <Card withBorder padding="md" data-testid={`import-file-${entry.file.name}`}>
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fw={600}>{entry.member ? `${entry.file.name}/${entry.member}` : entry.file.name}</Text>
          <Text size="sm" c="dimmed">
            {formatSize(entry.file.size)}
          </Text>
          {preview && <Badge variant="light">{preview.format.toUpperCase()}</Badge>}
          {preview && (
            <Badge variant="light" color="gray">
              {preview.encoding}
            </Badge>
          )}
          {entry.loading && <Loader size="xs" />}
        </Group>
        {!disabled && <CloseButton aria-label={t('imports.remove')} onClick={onRemove} />}
      </Group>
      {entry.error && (
        <Alert color={entry.unpreviewed ? 'blue' : 'red'} icon={entry.unpreviewed ? undefined : <IconX size={16} />}>
          {errorText(entry.error)}
        </Alert>
      )}
      {preview && (
        <Stack gap="sm">
          <Group align="flex-end" gap="sm" wrap="wrap">
            <Select
              label={t('imports.format')}
              w={110}
              data={[...importFormats]}
              value={entry.options.format ?? preview.format}
              onChange={(value) => value && onChange({ format: value as ImportOptions['format'] })}
              disabled={disabled}
              allowDeselect={false}
            />
            <Select
              label={t('imports.encoding')}
              w={130}
              data={[...new Set([preview.encoding, 'utf-8', 'utf-16le', 'utf-16be', 'euc-kr', 'windows-1252'])]}
              value={entry.options.encoding ?? preview.encoding}
              onChange={(value) => value && onChange({ encoding: value })}
              disabled={disabled}
              allowDeselect={false}
            />
            {preview.delimiter !== null && (
              <Select
                label={t('imports.delimiter')}
                w={150}
                data={delimiters}
                value={entry.options.delimiter ?? preview.delimiter}
                onChange={(value) => value && onChange({ delimiter: value })}
                disabled={disabled}
                allowDeselect={false}
              />
            )}
            {preview.header !== null && (
              <Switch
                label={t('imports.header')}
                checked={entry.options.header ?? preview.header}
                onChange={(event) => onChange({ header: event.currentTarget.checked })}
                disabled={disabled}
                mb={8}
              />
            )}
            <Select
              label={t('imports.timeColumn')}
              w={180}
              data={[{ value: '', label: t('imports.noTime') }, ...preview.columns.map((c) => ({ value: c.name, label: c.name }))]}
              value={preview.timeColumn ?? ''}
              onChange={(value) => onChange({ timeColumn: value ? value : null, timeFormat: undefined })}
              disabled={disabled}
              allowDeselect={false}
            />
            {preview.timeColumn && (
              <Select
                label={t('imports.timeFormat')}
                w={210}
                data={[...new Set([preview.timeFormat ?? 'iso', ...timeFormats])]}
                value={entry.options.timeFormat ?? preview.timeFormat ?? 'iso'}
                onChange={(value) => value && onChange({ timeFormat: value })}
                searchable
                disabled={disabled}
                allowDeselect={false}
              />
            )}
            {preview.timeColumn && preview.timeZone !== null && (
              <Select
                label={t('imports.timeZone')}
                w={240}
                data={runtimeTimeZoneChoices(entry.options.timeZone ?? preview.timeZone)}
                searchable
                value={entry.options.timeZone ?? preview.timeZone}
                onChange={(value) => value && onChange({ timeZone: value })}
                disabled={disabled}
                allowDeselect={false}
              />
            )}
          </Group>
          {(entry.options.format ?? preview.format) === 'pattern' || preview.pattern ? (
            <Group align="flex-end" gap="sm">
              <TextInput
                label={t('imports.pattern')}
                description={t('imports.patternHelp')}
                style={{ flex: 1 }}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                defaultValue={entry.options.pattern ?? preview.pattern ?? ''}
                onBlur={(event) => {
                  const pattern = event.currentTarget.value.trim();
                  if (pattern && pattern !== preview.pattern) onChange({ format: 'pattern', pattern });
                }}
                disabled={disabled}
              />
              <TextInput
                label={t('formats.patternName')}
                w={200}
                defaultValue={entry.options.patternName ?? preview.patternName ?? ''}
                onBlur={(event) => {
                  const patternName = event.currentTarget.value.trim();
                  if (patternName && patternName !== preview.patternName) onChange({ patternName });
                }}
                disabled={disabled}
              />
            </Group>
          ) : null}
          {preview.timeColumn && preview.timeZone === null && (
            <Text size="sm" c="dimmed">
              {t('imports.timeCarriesOffset')}
            </Text>
          )}
          <Group align="flex-end" gap="sm">
            <SegmentedControl
              size="sm"
              value={datasetKind}
              disabled={disabled || datasets.length === 0}
              data={[
                { value: 'new', label: t('imports.newDataset') },
                { value: 'existing', label: t('imports.existingDataset') },
              ]}
              onChange={(value) =>
                onChange({
                  dataset:
                    value === 'existing' && datasets[0]
                      ? { kind: 'existing', datasetId: preview.dataset.datasetId ?? datasets[0].id }
                      : { kind: 'new', name: preview.dataset.exists ? `${preview.dataset.name}_2` : preview.dataset.name },
                })
              }
            />
            {target?.kind === 'existing' ? (
              <Select
                aria-label={t('imports.dataset')}
                w={240}
                data={datasets.map((d) => ({ value: String(d.id), label: d.name }))}
                value={String(target.datasetId)}
                onChange={(value) => value && onChange({ dataset: { kind: 'existing', datasetId: Number(value) } })}
                disabled={disabled}
                allowDeselect={false}
              />
            ) : (
              <TextInput
                aria-label={t('imports.dataset')}
                w={240}
                defaultValue={target?.kind === 'new' ? target.name : preview.dataset.name}
                onBlur={(event) => onChange({ dataset: { kind: 'new', name: event.currentTarget.value.trim() } })}
                disabled={disabled}
              />
            )}
          </Group>
          <PreviewNotes preview={preview} />
          <FormatAlternatives preview={preview} disabled={disabled} onChoose={(format) => onChange({ format })} />
          <ScrollArea type="auto">
            <Table withTableBorder striped fz="xs" style={{ whiteSpace: 'nowrap' }}>
              <Table.Thead>
                <Table.Tr>
                  {preview.columns.map((c) => (
                    <Table.Th key={c.name}>
                      <Text size="xs" fw={600}>
                        {c.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {c.type}
                      </Text>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.sampleRows.slice(0, 5).map((row, i) => (
                  <Table.Tr key={i}>
                    {row.map((cell, j) => (
                      <Table.Td key={j} ff="monospace" maw={320} style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                        {showCell(cell, preview.columns[j]?.type ?? '', zone)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {(progress || uploaded !== null) && <FileProgress progress={progress} uploaded={uploaded} size={entry.file.size} />}
        </Stack>
      )}
    </Card>
  );
}

function PreviewNotes({ preview }: { preview: FilePreview }) {
  const { t } = useTranslation();
  const notes: string[] = [t('imports.estimate', { count: preview.estimatedRows })];
  // Detection chose the format most sample lines fit; say how many did.
  const sampleEntries = preview.sampleRecords + preview.sampleRejected;
  if (sampleEntries > 0) {
    const percent = Math.floor((preview.sampleRecords / sampleEntries) * 100);
    notes.push(t('imports.sampleFit', { count: sampleEntries, fit: preview.sampleRecords, percent, format: preview.format.toUpperCase() }));
  }
  if (preview.dataset.exists) notes.push(t('imports.appendNote', { name: preview.dataset.name }));
  const { added, missing, widened } = preview.schemaChanges;
  if (added.length) notes.push(t('imports.added', { columns: added.join(', ') }));
  if (missing.length) notes.push(t('imports.missing', { columns: missing.join(', ') }));
  for (const w of widened) notes.push(t('imports.widened', w));
  for (const r of preview.renamedColumns) notes.push(t('imports.renamed', r));
  if (preview.assumedTime) {
    const params = { value: preview.assumedTime.value, source: t(`formats.source.${preview.assumedTime.source}`) };
    notes.push(t(preview.assumedTime.kind === 'year' ? 'formats.assumedYear' : 'formats.assumedDate', params));
    if (preview.assumedTime.sampleRolledBack) notes.push(t('formats.rolledBack', { count: preview.assumedTime.sampleRolledBack }));
  }
  if (preview.multiline && preview.sampleJoined) notes.push(t('formats.multiline', { count: preview.sampleJoined }));
  const warnings: string[] = [];
  if (preview.sampleRejected) warnings.push(t('imports.sampleRejected', { count: preview.sampleRejected }));
  if (preview.sampleTimeUnparsed) warnings.push(t('imports.sampleTimeUnparsed', { count: preview.sampleTimeUnparsed }));
  return (
    <Stack gap={4}>
      <Text size="sm">{notes.join(' · ')}</Text>
      {warnings.map((w) => (
        <Alert key={w} color="yellow" p="xs" icon={<IconAlertTriangle size={16} />}>
          {w}
        </Alert>
      ))}
      {preview.maybeDuplicateOf && (
        <Alert color="blue" p="xs" icon={<IconCopy size={16} />}>
          {t('imports.maybeDuplicate', { dataset: preview.maybeDuplicateOf.dataset })}
        </Alert>
      )}
    </Stack>
  );
}

function FileProgress({ progress, uploaded, size }: { progress: Progress | null; uploaded: number | null; size: number }) {
  const { t } = useTranslation();
  const share = progress ? (progress.bytesTotal ? progress.bytesDone / progress.bytesTotal : 0) : uploaded !== null ? uploaded / Math.max(1, size) : 0;
  return (
    <Stack gap={2} data-testid="import-progress">
      <Progress value={Math.min(100, share * 100)} animated={progress?.phase !== 'done'} />
      {progress && (
        <Text size="xs" c="dimmed">
          {t('imports.progress', {
            file: progress.file,
            phase: t(`imports.phase_${progress.phase}`),
            done: formatSize(progress.bytesDone),
            total: formatSize(progress.bytesTotal),
          })}
          {progress.rows > 0 && ` · ${t('imports.rate', { rows: progress.rows, rate: Math.round(progress.rowsPerSecond) })}`}
        </Text>
      )}
    </Stack>
  );
}

function ImportResults({ results, errorText }: { results: ImportItemResult[]; errorText: (error: unknown) => string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} data-testid="import-results">
      {results.map((item, i) =>
        item.ok ? (
          <Alert key={i} color={item.result.duplicate ? 'blue' : 'green'} p="xs" icon={<IconCheck size={16} />}>
            {item.result.duplicate
              ? t('imports.resultDuplicate', { file: item.result.file, dataset: item.result.dataset })
              : [
                  t('imports.resultImported', { file: item.result.file, dataset: item.result.dataset, rows: item.result.rows }),
                  item.result.rejected ? t('imports.resultRejected', { count: item.result.rejected }) : null,
                  item.result.grownFrom ? t('imports.resultGrown', { line: item.result.grownFrom.fromLine }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
          </Alert>
        ) : (
          <Alert key={i} color="red" p="xs" icon={<IconX size={16} />}>
            {item.file ? t('imports.failed', { file: item.file, message: errorText(toAppError(item.error)) }) : errorText(toAppError(item.error))}
          </Alert>
        ),
      )}
    </Stack>
  );
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isWireError(error)) return new AppError(error.code, error.params);
  return new AppError('internal', { message: error instanceof Error ? error.message : String(error) });
}

function showCell(cell: Cell, type: string, zone: string): string {
  if (cell === null) return 'NULL';
  if (typeof cell === 'string' && type.startsWith('TIMESTAMP')) return formatInstant(cell, zone);
  return String(cell);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
