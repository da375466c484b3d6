import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Badge, Box, Button, Group, ScrollArea, Select, Stack, Text, Title, Tooltip, UnstyledButton, useComputedColorScheme } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChartBar, IconPlayerPlay, IconPlayerStop, IconHistory, IconTable } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import CodeMirror, { type ReactCodeMirrorRef } from '@uiw/react-codemirror';
import { sql, StandardSQL } from '@codemirror/lang-sql';
import { autocompletion, completeFromList } from '@codemirror/autocomplete';
import { EditorView, keymap } from '@codemirror/view';
import { Prec } from '@codemirror/state';
import { setDiagnostics } from '@codemirror/lint';
import { oneDark } from '@codemirror/theme-one-dark';
import type { QueryResult } from '@shared/api/contract';
import { CONSOLE_SERVER_ROWS, type ConsoleEngine } from '@shared/api/contract/console';
import { AppError } from '@shared/api/errors';
import { statementAt } from '@shared/sql/statements';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { DataGrid } from '../../ui/DataGrid';
import { ExportMenu, type ExportFormat } from '../../ui/ExportMenu';
import { PageControls } from '../../ui/PageControls';
import { useDatasets } from '../datasets/useDatasets';
import { ResultChart } from './ResultChart';
import { downloadFile } from '../dashboard/download';

const firstPageRows = 500;
/**
 * One object for the editor's whole life: the CodeMirror wrapper reconfigures the editor
 * whenever this prop changes identity, and reconfiguring drops the error marks.
 */
const editorSetup = { lineNumbers: true, foldGutter: false, autocompletion: false } as const;

/**
 * One Dark on a darker ground: on its own (#282c34, active line #2c313a) the keyword violet,
 * the name coral and the comment grey stay under 4.5:1 (axe, WCAG AA); here they all reach it.
 */
const darkGround = '#16181d';
const consoleDarkTheme = [
  oneDark,
  Prec.highest(
    EditorView.theme(
      {
        '&': { backgroundColor: darkGround },
        '.cm-gutters': { backgroundColor: darkGround },
        '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: '#1b1d22' },
      },
      { dark: true },
    ),
  ),
];

/** The selector's value for the local DuckDB (connection names start with a letter or digit). */
const localEngine = '_local';

/** "DuckDB 1.5.0 · this computer", "ClickHouse 18.16.1 · database logs": what the header says queries run on. */
function engineLabel(engine: ConsoleEngine, t: (key: string, options?: Record<string, unknown>) => string): string {
  return engine.kind === 'clickhouse'
    ? t('console.runsOnClickHouse', { version: engine.version, database: engine.database })
    : t('console.runsOnDuckDb', { version: engine.version });
}

/**
 * The SQL console: a real editor with completion of tables, columns and the engine's
 * functions; Ctrl/Cmd+Enter runs the statement under the cursor; a result that pages from
 * the main process; errors marked where DuckDB says they are; a history of what ran.
 * Queries run on the local DuckDB or, chosen in the header (or opened from a dataset that
 * lives there), on a ClickHouse connection in its own SQL. They are read-only: checked in
 * the main process for DuckDB, enforced by the server for ClickHouse.
 */
export function SqlConsole({
  zone,
  initialSql,
  defaultTable,
  defaultEngine,
}: {
  zone: string;
  initialSql: string;
  defaultTable: string | null;
  /** The ClickHouse connection of the dataset the console was opened from; null for the local database. */
  defaultEngine: string | null;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const dark = useComputedColorScheme('light') === 'dark';
  const editor = useRef<ReactCodeMirrorRef>(null);
  const [text, setText] = useState(initialSql);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [running, setRunning] = useState<AbortController | null>(null);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(firstPageRows);
  /** The statement the result came from, and whether it is shown as a chart ("chart this result"). */
  const [resultSql, setResultSql] = useState('');
  const [charting, setCharting] = useState(false);
  const datasets = useDatasets();
  const [engine, setEngine] = useState<string | null>(defaultEngine);
  /** Until the user types, the starting statement follows the engine: the dataset's table there. */
  const [edited, setEdited] = useState(false);
  // One identity for the editor's life: the CodeMirror wrapper reconfigures on a new one (see `editorSetup`).
  const onEdit = useCallback((value: string) => {
    setText(value);
    setEdited(true);
  }, []);
  const connections = useQuery({ queryKey: ['engines'], queryFn: ({ signal }) => api.call('engines.list', {}, { signal }) });

  const schema = useQuery({
    queryKey: ['query-schema', engine],
    queryFn: ({ signal }) => api.call('query.schema', { engine }, { signal }),
    staleTime: 60_000,
  });
  /** The table holding the dataset the console was opened from, in the chosen engine. */
  const datasetTable = engine === null ? defaultTable : (schema.data?.tables.find((table) => table.dataset === defaultTable)?.name ?? null);
  useEffect(() => {
    if (edited || !schema.data) return;
    setText(engine !== null && datasetTable ? `SELECT *\nFROM ${datasetTable}\nLIMIT 100` : initialSql);
  }, [edited, schema.data, engine, datasetTable, initialSql]);
  const history = useQuery({ queryKey: ['query-history'], queryFn: ({ signal }) => api.call('query.history', { limit: 100 }, { signal }) });

  const rows = useQuery({
    queryKey: ['query-page', result?.resultId, page, pageSize],
    enabled: result !== null && !(page === 0 && pageSize === firstPageRows),
    queryFn: ({ signal }) => api.call('query.page', { resultId: result!.resultId, offset: page * pageSize, limit: pageSize }, { signal }),
    placeholderData: keepPreviousData,
  });
  const pageRows = page === 0 && pageSize === firstPageRows ? (result?.rows ?? []) : (rows.data?.rows ?? []);

  const run = useCallback(async () => {
    const view = editor.current?.view;
    if (!view) return;
    const selection = view.state.selection.main;
    const doc = view.state.doc.toString();
    const statement = selection.empty
      ? statementAt(doc, selection.head)
      : { from: selection.from, to: selection.to, text: doc.slice(selection.from, selection.to) };
    if (!statement?.text.trim()) return;
    view.dispatch(setDiagnostics(view.state, []));
    const controller = new AbortController();
    setRunning(controller);
    setError(null);
    try {
      const next = await api.call('query.run', { sql: statement.text, limit: firstPageRows, history: true, engine }, { signal: controller.signal });
      setResult(next);
      setResultSql(statement.text);
      setPage(0);
      setPageSize(firstPageRows);
    } catch (caught) {
      const appError = caught instanceof AppError ? caught : new AppError('internal', { message: String(caught) });
      setError(appError);
      setResult(null);
      const position = typeof appError.params.position === 'number' ? appError.params.position : null;
      if (position !== null && editor.current?.view) {
        const from = Math.min(statement.from + position, doc.length);
        const word = /^[\p{L}\p{N}_."]+/u.exec(doc.slice(from))?.[0].length ?? 1;
        editor.current.view.dispatch(
          setDiagnostics(editor.current.view.state, [{ from, to: Math.min(doc.length, from + Math.max(1, word)), severity: 'error', message: errorText(appError) }]),
        );
      }
    } finally {
      setRunning(null);
      void client.invalidateQueries({ queryKey: ['query-history'] });
    }
  }, [api, client, errorText, engine]);
  const [exporting, setExporting] = useState(false);
  /** The whole result, not the page: CSV neutralised for spreadsheets, JSON lines with every digit. */
  const exportAs = async (format: ExportFormat) => {
    if (!result) return;
    setExporting(true);
    try {
      const file = await api.call('query.export', { resultId: result.resultId, format });
      downloadFile(file.base64, file.fileName, file.mimeType);
      notifications.show({ message: t(file.truncated ? 'rowsView.export.truncated' : 'rowsView.export.done', { count: file.rows, file: file.fileName }) });
    } catch (caught) {
      notifications.show({ color: 'red', message: t('rowsView.export.failed', { message: errorText(caught) }) });
    } finally {
      setExporting(false);
    }
  };

  // The key binding calls the latest `run` without rebuilding the editor's extensions:
  // reconfiguring CodeMirror drops the error marks `run` has just set (see `editorSetup`).
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  }, [run]);

  const extensions = useMemo(() => {
    const tables = Object.fromEntries(
      (schema.data?.tables ?? []).map((table) => [table.schema === 'main' ? table.name : `${table.schema}.${table.name}`, table.columns.map((c) => c.name)]),
    );
    const functions = (schema.data?.functions ?? []).map((name) => ({ label: name, type: 'function' }));
    return [
      // The editable element itself carries the name: a label on the wrapper does not reach it.
      EditorView.contentAttributes.of({ 'aria-label': t('console.editor') }),
      sql({ dialect: StandardSQL, schema: tables, upperCaseKeywords: true, ...(datasetTable ? { defaultTable: datasetTable } : {}) }),
      autocompletion({ icons: false }),
      StandardSQL.language.data.of({ autocomplete: completeFromList(functions) }),
      Prec.highest(
        keymap.of([
          {
            key: 'Mod-Enter',
            run: () => {
              void runRef.current();
              return true;
            },
          },
        ]),
      ),
    ];
  }, [schema.data, datasetTable, t]);

  return (
    <Group align="stretch" gap="md" h="calc(100dvh - 52px - 2 * var(--mantine-spacing-md))" wrap="nowrap">
      <Stack gap="sm" style={{ flex: 1, minWidth: 0 }}>
        <Group justify="space-between">
          <Group gap="sm">
            <Title order={2}>{t('console.title')}</Title>
            {schema.data && (
              <Badge variant="light" color={schema.data.engine.kind === 'clickhouse' ? 'grape' : 'blue'} tt="none" data-testid="console-engine">
                {engineLabel(schema.data.engine, t)}
              </Badge>
            )}
          </Group>
          <Group gap="xs">
            <Select
              aria-label={t('console.engine')}
              w={220}
              data={[
                { value: localEngine, label: t('console.engineLocal') },
                ...(connections.data ?? []).map((c) => ({ value: c.name, label: t('console.engineConnection', { name: c.name }) })),
              ]}
              value={engine ?? localEngine}
              onChange={(value) => {
                if (!value) return;
                setEngine(value === localEngine ? null : value);
                setResult(null);
                setError(null);
                setCharting(false);
              }}
              allowDeselect={false}
              disabled={running !== null}
              data-testid="console-engine-select"
            />
            {result?.truncated && !running && (
              <Badge variant="light" color="yellow" data-testid="console-truncated">
                {t('console.truncated', { count: result.total })}
              </Badge>
            )}
            {result && !running && (
              <Badge variant="light" data-testid="console-summary">
                {t('console.summary', { count: result.total, ms: result.elapsedMs })}
              </Badge>
            )}
            {result && !running && (
              <ExportMenu label={t('console.export')} exporting={exporting} onExport={(format) => void exportAs(format)} testId="console-export" />
            )}
            {result && engine === null && (
              <Button
                variant="default"
                leftSection={charting ? <IconTable size={16} /> : <IconChartBar size={16} />}
                onClick={() => setCharting((c) => !c)}
                data-testid="console-chart-toggle"
              >
                {charting ? t('builder.fromSql.table') : t('builder.fromSql.button')}
              </Button>
            )}
            {running ? (
              <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={() => running.abort()}>
                {t('console.cancel')}
              </Button>
            ) : (
              <Tooltip label={t('console.runHint')}>
                <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void run()}>
                  {t('console.run')}
                </Button>
              </Tooltip>
            )}
          </Group>
        </Group>
        <Box style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, overflow: 'hidden' }} data-testid="sql-editor">
          <CodeMirror
            ref={editor}
            value={text}
            onChange={onEdit}
            height="220px"
            theme={dark ? consoleDarkTheme : 'light'}
            extensions={extensions}
            basicSetup={editorSetup}
            aria-label={t('console.editor')}
          />
        </Box>
        <Text size="xs" c="dimmed">
          {engine === null ? t('console.confined') : t('console.confinedServer', { rows: CONSOLE_SERVER_ROWS })}
        </Text>
        {error && (
          <Alert color="red" data-testid="console-error">
            {errorText(error)}
          </Alert>
        )}
        {result && charting && (
          <ResultChart
            key={result.resultId}
            sql={resultSql}
            columns={result.columns}
            zone={zone}
            datasets={datasets.data ?? []}
            defaultDatasetId={datasets.data?.find((d) => d.name === defaultTable)?.id ?? null}
          />
        )}
        {result && !charting && (
          <Box style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
            <PageControls
              page={page}
              pageSize={pageSize}
              total={result.total}
              loading={rows.isFetching}
              onPage={setPage}
              onPageSize={(size) => {
                setPageSize(size);
                setPage(0);
              }}
            />
            <DataGrid columns={result.columns} rows={pageRows} firstRowIndex={page * pageSize} totalRows={result.total} zone={zone} testId="console-result" readableNumbers />
          </Box>
        )}
      </Stack>
      <Stack gap="xs" w={280} style={{ flexShrink: 0 }}>
        <Group gap={6}>
          <IconHistory size={16} />
          <Title order={5}>{t('console.history')}</Title>
        </Group>
        <ScrollArea style={{ flex: 1 }}>
          <Stack gap={4}>
            {(history.data ?? []).map((entry) => (
              <UnstyledButton
                key={entry.id}
                onClick={() => {
                  setText(entry.sql);
                  setEdited(true);
                }}
                p={6}
                style={{ borderRadius: 4, border: '1px solid var(--mantine-color-default-border)' }}
                title={entry.sql}
              >
                <Text size="xs" ff="monospace" lineClamp={3} c={entry.errorCode ? (dark ? 'red.4' : 'red.8') : undefined}>
                  {entry.sql}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatInstant(entry.ranAt, zone, false)}
                  {entry.rows !== null ? ` · ${t('console.rows', { count: entry.rows })}` : ''}
                  {entry.elapsedMs !== null ? ` · ${entry.elapsedMs} ms` : ''}
                </Text>
              </UnstyledButton>
            ))}
            {history.data?.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('console.noHistory')}
              </Text>
            )}
          </Stack>
        </ScrollArea>
      </Stack>
    </Group>
  );
}
