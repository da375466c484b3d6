import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  CloseButton,
  Group,
  Loader,

  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconAlertTriangle, IconCopy, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Cell, DatasetSummary } from '@shared/api/contract';
import { importFormats, type FilePreview, type ImportOptions } from '@shared/api/contract/imports';
import type { AppError } from '@shared/api/errors';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { headOf, type ImportSource } from './fileRefs';
import { formatSize } from './formatSize';
import { toAppError, type ImportRequest } from './useImportJobs';
import { FormatAlternatives } from './FormatAlternatives';
import { runtimeTimeZoneChoices } from '@shared/time/zones';
import { describeZoneOffsets, offsetSegments } from '@shared/charts/zone';

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

const delimiters = [
  { value: ',', label: ', (comma)' },
  { value: '\t', label: '⇥ (tab)' },
  { value: ';', label: '; (semicolon)' },
  { value: '|', label: '| (pipe)' },
];
/** The "Where" choice for this computer; connection names cannot start with `:`. */
const localTarget = ':local';
const timeFormats = ['iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns', '%d/%m/%Y %H:%M:%S', '%m/%d/%Y %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%d/%b/%Y:%H:%M:%S %z'];

/**
 * What Logscope recognised in each dropped file, with every guess correctable. Importing
 * hands the files to the jobs panel and closes: the import goes on in the background.
 * Detection always runs in the main process (in DuckDB); in browser mode it sees the
 * file's first megabyte before upload.
 */
export function ImportDialog({
  files,
  datasets,
  zone,
  onStart,
  onClose,
}: {
  files: ImportSource[];
  datasets: DatasetSummary[];
  zone: string;
  /** `engine`: the ClickHouse connection the datasets are copied to afterwards; absent: this computer only. */
  onStart: (requests: ImportRequest[], engine?: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const [entries, setEntries] = useState<Entry[]>([]);
  // "Where" is offered only when a ClickHouse connection exists (settings or `logscope engine add`).
  const [connections, setConnections] = useState<string[]>([]);
  const [where, setWhere] = useState<string>(localTarget);

  useEffect(() => {
    let current = true;
    api.call('engines.list', {}).then(
      (listed) => current && setConnections(listed.map((c) => c.name)),
      // Without the list the import stays local, as before connections existed.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);

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

  const change = (entry: Entry, patch: Partial<ImportOptions>) => {
    const next = { ...entry, options: { ...entry.options, ...patch } };
    setEntries((all) => all.map((e) => (e.key === entry.key ? next : e)));
    void previewEntry(next);
  };

  const importable = entries.filter((e) => (e.preview && !e.error) || e.unpreviewed);

  const start = () => {
    // The preview's options are what detection settled on with the user's corrections:
    // the import reads the file exactly as the preview showed it.
    onStart(
      importable.map((entry) => ({ file: entry.file, ...(entry.member ? { member: entry.member } : {}), options: entry.preview?.options ?? {} })),
      where === localTarget ? undefined : where,
    );
    onClose();
  };

  return (
    <Dialog opened onClose={onClose} title={t('imports.previewTitle')} size="90%">
      <Stack>
        {entries.map((entry, index) => (
          <FileCard
            key={entry.key}
            entry={entry}
            datasets={datasets}
            zone={zone}
            onChange={(patch) => change(entry, patch)}
            onRemove={() => setEntries((all) => all.filter((_, i) => i !== index))}
            errorText={errorText}
          />
        ))}
        <Group justify="flex-end" align="flex-end">
          {connections.length > 0 && (
            <Select
              label={t('imports.where.label')}
              description={where === localTarget ? t('imports.where.localHint') : t('imports.where.engineHint')}
              data-testid="import-where"
              allowDeselect={false}
              value={where}
              onChange={(value) => setWhere(value ?? localTarget)}
              data={[{ value: localTarget, label: t('imports.where.local') }, ...connections.map((name) => ({ value: name, label: t('imports.where.engine', { name }) }))]}
              style={{ flex: 1, maxWidth: 420 }}
            />
          )}
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button disabled={importable.length === 0 || entries.some((e) => e.loading)} onClick={start}>
            {t('imports.importButton', { count: importable.length })}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}

function FileCard({
  entry,
  datasets,
  zone,
  onChange,
  onRemove,
  errorText,
}: {
  entry: Entry;
  datasets: DatasetSummary[];
  zone: string;
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
        <CloseButton aria-label={t('imports.remove')} onClick={onRemove} />
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
              allowDeselect={false}
            />
            <Select
              label={t('imports.encoding')}
              w={130}
              data={[...new Set([preview.encoding, 'utf-8', 'utf-16le', 'utf-16be', 'euc-kr', 'windows-1252'])]}
              value={entry.options.encoding ?? preview.encoding}
              onChange={(value) => value && onChange({ encoding: value })}
              allowDeselect={false}
            />
            {preview.delimiter !== null && (
              <Select
                label={t('imports.delimiter')}
                w={150}
                data={delimiters}
                value={entry.options.delimiter ?? preview.delimiter}
                onChange={(value) => value && onChange({ delimiter: value })}
                allowDeselect={false}
              />
            )}
            {preview.header !== null && (
              <Switch
                label={t('imports.header')}
                checked={entry.options.header ?? preview.header}
                onChange={(event) => onChange({ header: event.currentTarget.checked })}
                mb={8}
              />
            )}
            <Select
              label={t('imports.timeColumn')}
              w={180}
              data={[{ value: '', label: t('imports.noTime') }, ...preview.columns.map((c) => ({ value: c.name, label: c.name }))]}
              value={preview.timeColumn ?? ''}
              onChange={(value) => onChange({ timeColumn: value ? value : null, timeFormat: undefined })}
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
              />
              <TextInput
                label={t('formats.patternName')}
                w={200}
                defaultValue={entry.options.patternName ?? preview.patternName ?? ''}
                onBlur={(event) => {
                  const patternName = event.currentTarget.value.trim();
                  if (patternName && patternName !== preview.patternName) onChange({ patternName });
                }}
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
              disabled={datasets.length === 0}
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
                allowDeselect={false}
              />
            ) : (
              <TextInput
                aria-label={t('imports.dataset')}
                w={240}
                defaultValue={target?.kind === 'new' ? target.name : preview.dataset.name}
                onBlur={(event) => onChange({ dataset: { kind: 'new', name: event.currentTarget.value.trim() } })}
              />
            )}
          </Group>
          <PreviewNotes preview={preview} />
          <FormatAlternatives preview={preview} onChoose={(format) => onChange({ format })} />
          <ScrollArea type="auto">
            <Table withTableBorder striped fz="xs" style={{ whiteSpace: 'nowrap' }}>
              <Table.Thead>
                <Table.Tr>
                  {preview.columns.map((c, j) => {
                    const zoneLabel = c.type.startsWith('TIMESTAMP') ? sampleZoneLabel(preview.sampleRows.slice(0, 5), j, zone) : null;
                    return (
                      <Table.Th key={c.name}>
                        <Text size="xs" fw={600}>
                          {c.name}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {c.type}
                        </Text>
                        {zoneLabel && (
                          <Text size="xs" c="dimmed" data-testid={`import-zone-${c.name}`}>
                            {t('imports.shownIn', { zone: zoneLabel })}
                          </Text>
                        )}
                      </Table.Th>
                    );
                  })}
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
        </Stack>
      )}
    </Card>
  );
}

function PreviewNotes({ preview }: { preview: FilePreview }) {
  const { t } = useTranslation();
  const notes: string[] = [t('imports.estimate', { count: preview.estimatedRows })];
  // Detection chose the format most sample lines fit; say how many did. Counted in lines, as
  // `fits` is (and the alternatives' share beside it): a text log's entry can span lines, and
  // a line its grammar does not read still joins the entry before it.
  const sampleLines = preview.sampleRecords + preview.sampleJoined + preview.sampleRejected;
  if (sampleLines > 0) {
    const fit = Math.round(preview.fits * sampleLines);
    notes.push(t('imports.sampleFit', { count: sampleLines, fit, percent: Math.floor(preview.fits * 100), format: preview.format.toUpperCase() }));
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
          {/* Found by the decoded text (the whole file was read), the import will skip it; by name and size, it may not. */}
          {t(preview.maybeDuplicateOf.by === 'content' ? 'imports.sameContent' : 'imports.maybeDuplicate', { dataset: preview.maybeDuplicateOf.dataset })}
        </Alert>
      )}
    </Stack>
  );
}

/** The zone label of a time column's sample, over the sample's own span (both offsets if it crosses a change). */
function sampleZoneLabel(rows: readonly Cell[][], column: number, zone: string): string {
  const instants = rows.map((row) => (typeof row[column] === 'string' ? Date.parse(row[column]) : NaN)).filter(Number.isFinite);
  const fromMs = instants.length ? Math.min(...instants) : Date.now();
  const toMs = instants.length ? Math.max(...instants) : fromMs;
  return describeZoneOffsets(zone, offsetSegments(zone, fromMs, toMs + 1));
}

function showCell(cell: Cell, type: string, zone: string): string {
  if (cell === null) return 'NULL';
  if (typeof cell === 'string' && type.startsWith('TIMESTAMP')) return formatInstant(cell, zone);
  return String(cell);
}
