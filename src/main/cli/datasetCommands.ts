import { Option, type Command } from 'commander';
import type { Cell, ColumnInfo, DatasetSummary } from '../../shared/api/contract';
import type { CommandContext } from '../cli';
import { withApi } from './session';
import { csvLine, jsonLine, textTable } from './output';

/** The keys scripts rely on for `logscope datasets --json`. */
export function datasetJson(dataset: DatasetSummary) {
  return {
    id: dataset.id,
    name: dataset.name,
    rows: dataset.rows,
    columns: dataset.columns,
    time_column: dataset.timeColumn,
    time_min: dataset.timeMin,
    time_max: dataset.timeMax,
    /** The ClickHouse connection holding the rows; null for the local file. */
    engine: dataset.engine,
  };
}

const queryPageRows = 5000;

export function registerDatasetCommands(program: Command, context: CommandContext) {
  program
    .command('datasets')
    .description('list the datasets with their rows, columns and time range')
    .addHelpText('after', '\nExample:\n  $ npx logscope datasets --json')
    .action(async () => {
      const globals = context.globals();
      await withApi({ ...globals, log: context.log, say: context.say, signal: context.signal }, async (api) => {
        const datasets = await api.call('datasets.list', {}, { signal: context.signal });
        if (globals.json) {
          for (const dataset of datasets) context.out(jsonLine(datasetJson(dataset)));
          return;
        }
        if (datasets.length === 0) {
          context.out('No datasets.\n');
          return;
        }
        context.out(
          textTable(
            [{ name: 'name', type: '' }, { name: 'rows', type: '' }, { name: 'columns', type: '' }, { name: 'time_min', type: '' }, { name: 'time_max', type: '' }, { name: 'engine', type: '' }],
            datasets.map((d) => [d.name, d.rows, d.columns.length, d.timeMin, d.timeMax, d.engine ?? 'local']),
          ),
        );
      });
    });

  program
    .command('query')
    .description('run one read-only SQL query over the datasets')
    .argument('<sql>', 'a SELECT statement; datasets are tables named after the dataset')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .addHelpText('after', `\nExamples:\n  $ npx logscope query "SELECT status, count(*) FROM access GROUP BY 1" --format csv\n  $ npx logscope query "SELECT * FROM logscope.rejects LIMIT 5" --json`)
    .action(async (sql: string, options: { format: 'table' | 'csv' | 'json' }) => {
      const globals = context.globals();
      const format = globals.json ? 'json' : options.format;
      await withApi({ ...globals, log: context.log, say: context.say, signal: context.signal }, async (api) => {
        const first = await api.call('query.run', { sql, limit: queryPageRows }, { signal: context.signal });
        const pages = async function* (): AsyncGenerator<Cell[][]> {
          yield first.rows;
          for (let offset = first.rows.length; offset < first.total; offset += queryPageRows) {
            const page = await api.call('query.page', { resultId: first.resultId, offset, limit: queryPageRows }, { signal: context.signal });
            yield page.rows;
          }
        };
        if (format === 'table') {
          const rows: Cell[][] = [];
          for await (const page of pages()) rows.push(...page);
          context.out(textTable(first.columns, rows));
          return;
        }
        if (format === 'csv') context.out(csvLine(first.columns.map((c) => c.name)));
        for await (const page of pages()) {
          context.out(page.map((row) => (format === 'csv' ? csvLine(row) : jsonLine(rowObject(first.columns, row)))).join(''));
        }
      });
    });
}

function rowObject(columns: readonly ColumnInfo[], row: readonly Cell[]): Record<string, Cell> {
  return Object.fromEntries(columns.map((column, i) => [column.name, row[i] ?? null]));
}
