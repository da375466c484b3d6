import type { AccessField, AccessLayout } from '../detect/accessLog';
import { accessRecoveryRegex } from '../detect/accessLog';
import { levelSql, syslogFacilitySql, syslogSeveritySql } from '../detect/levels';
import type { LineGrammar } from '../detect/lineFormats';
import type { GroupedRegex } from '../detect/regex';
import { classifyTimeValues, timeNameScore, type TimeCompletion, type TimeSpec } from '../detect/time';
import { completedFormats, hasOffset, normalizedTimeSql, normalizeTimeText, timeRewrites, timeStyle, timeStyles, type TimeStyle } from '../detect/timeStyles';
import { quoteIdent } from '../sql/quote';
import { datasetColumnNames, partialColumn, type AccessReader, type LinesReader, type PlannedColumn } from './plan';

/**
 * The columns of the text formats: what each regex group or access-log field becomes in the
 * dataset, typed, and named alike across formats (`time`, `level`, `host`, `process`, `pid`,
 * `thread`, `component`, `message`; `client_ip`, `method`, `path`, `status`, `bytes`, …) so
 * files of different systems can share a dataset and the dashboard finds its roles.
 */
export interface ColumnUnit {
  column: string;
  unit: 's' | 'ms' | 'us';
}

export interface TextPlan<R> {
  reader: R;
  columns: PlannedColumn[];
  units: ColumnUnit[];
}

const g = (name: string) => quoteIdent(name);
const nonEmpty = (sql: string) => `nullif(${sql}, '')`;
const firstOf = (...names: string[]) => `coalesce(${names.map((n) => nonEmpty(g(n))).join(', ')})`;
const text = (name: string, source: string[], expression: string): PlannedColumn => ({
  name,
  path: source,
  sourceType: 'VARCHAR',
  type: 'VARCHAR',
  asJson: false,
  time: null,
  expression,
});
const typed = (name: string, source: string[], expression: string, type: string): PlannedColumn => ({
  ...text(name, source, `TRY_CAST(${expression} AS ${type})`),
  type,
});

/**
 * The time column of a timestamp in `style`, read from a regex group (or an expression
 * over the groups, `value`): the text rewritten as the sample needs (`timeRewrites`: fractions after `,` or `:`, zone names), then read.
 */
export function styleTimeColumn(style: TimeStyle, group: string, samples: readonly string[], completion: TimeCompletion | null, value = g(group)): PlannedColumn {
  const rewrites = timeRewrites(style, samples);
  const normalized = samples.map((s) => normalizeTimeText(s, rewrites));
  // Values that carry an offset are instants; a style reads them with `%z` when most do.
  const zoned = normalized.length > 0 && normalized.filter(hasOffset).length * 2 > normalized.length;
  let time: TimeSpec;
  if (style.read.kind === 'iso') {
    const kind = classifyTimeValues('VARCHAR', normalized)?.kind;
    time = { column: 'time', kind: kind === 'instant' || kind === 'local' ? kind : 'mixed', pattern: null };
  } else if (style.read.kind === 'epoch') {
    time = { column: 'time', kind: style.read.unit === 'ms' ? 'epoch_ms' : 'epoch_s', pattern: null };
  } else {
    const [pattern, ...alternatives] = completedFormats(style, zoned);
    const completes = style.read.kind === 'strptime' && style.read.completion;
    time = {
      column: 'time',
      kind: 'pattern',
      pattern: pattern!,
      ...(alternatives.length ? { alternatives } : {}),
      ...(completes ? { completion } : {}),
    };
  }
  return { name: 'time', path: [group], sourceType: 'VARCHAR', type: 'TIMESTAMP', asJson: false, time, expression: nonEmpty(normalizedTimeSql(value, rewrites)) };
}

/**
 * A grammar's columns. Optional fields become columns only when some sample entry has them
 * (a ZooKeeper log has no pid column full of NULLs); time and message always do.
 */
export function grammarPlan(
  grammar: LineGrammar,
  entries: readonly Record<string, string>[],
  options: { delimiter: string; completion: TimeCompletion | null },
): TextPlan<LinesReader> {
  if (grammar.inferred) return inferredPlan(grammar, entries, options);
  const present = (...names: string[]) => entries.some((e) => names.some((n) => (e[n] ?? '') !== ''));
  const columns: PlannedColumn[] = [];
  const tsSamples = entries.map((e) => e.ts ?? '').filter(Boolean).slice(0, 500);
  if (grammar.timeStyle) {
    const style = timeStyle(grammar.timeStyle);
    if (grammar.format === 'syslog5424') {
      const kind = classifyTimeValues('VARCHAR', tsSamples.filter((t) => t !== '-'))?.kind;
      columns.push({
        name: 'time',
        path: ['ts'],
        sourceType: 'VARCHAR',
        type: 'TIMESTAMP',
        asJson: false,
        time: { column: 'time', kind: kind === 'instant' || kind === 'local' ? kind : 'mixed', pattern: null },
        expression: `nullif(nullif(${g('ts')}, '-'), '')`,
      });
    } else columns.push(styleTimeColumn(style, 'ts', tsSamples, options.completion));
  }
  switch (grammar.format) {
    case 'syslog':
      if (present('pri')) {
        columns.push(text('level', ['pri'], syslogSeveritySql(nonEmpty(g('pri')))), text('facility', ['pri'], syslogFacilitySql(nonEmpty(g('pri')))));
      }
      columns.push(text('host', ['host'], nonEmpty(g('host'))), text('process', ['process'], nonEmpty(g('process'))));
      if (present('pid')) columns.push(typed('pid', ['pid'], nonEmpty(g('pid')), 'BIGINT'));
      break;
    case 'syslog5424': {
      const nil = (name: string) => `nullif(nullif(${g(name)}, '-'), '')`;
      columns.push(
        text('level', ['pri'], syslogSeveritySql(nonEmpty(g('pri')))),
        text('facility', ['pri'], syslogFacilitySql(nonEmpty(g('pri')))),
        text('host', ['host'], nil('host')),
        text('process', ['app'], nil('app')),
        text('procid', ['procid'], nil('procid')),
        text('msgid', ['msgid'], nil('msgid')),
        text('structured_data', ['sd'], nil('sd')),
      );
      break;
    }
    case 'log':
      if (present('level')) columns.push(text('level', ['level'], levelSql(g('level'))));
      if (present('pid', 'pid2', 'pid3', 'pid4')) columns.push(typed('pid', ['pid'], firstOf('pid', 'pid2', 'pid3', 'pid4'), 'BIGINT'));
      if (present('tid', 'tid2', 'tid3')) columns.push(typed('tid', ['tid'], firstOf('tid', 'tid2', 'tid3'), 'BIGINT'));
      if (present('thread', 'thread2')) columns.push(text('thread', ['thread'], `nullif(trim(${firstOf('thread', 'thread2')}), '')`));
      if (present('component', 'logger', 'module')) columns.push(text('component', ['component'], firstOf('component', 'logger', 'module')));
      if (present('client')) columns.push(text('client', ['client'], nonEmpty(g('client'))));
      break;
    case 'python':
      columns.push(text('level', ['level'], levelSql(g('level'))), text('component', ['logger'], nonEmpty(g('logger'))));
      break;
    case 'logcat':
      columns.push(typed('pid', ['pid'], nonEmpty(g('pid')), 'BIGINT'));
      if (present('tid')) columns.push(typed('tid', ['tid'], nonEmpty(g('tid')), 'BIGINT'));
      columns.push(text('level', ['level'], levelSql(g('level'))), text('component', ['tag'], `nullif(trim(${g('tag')}), '')`));
      break;
  }
  const message = grammar.format === 'syslog5424' ? `ltrim(coalesce(${g('message')}, ''), chr(65279))` : g('message');
  columns.push(text('message', ['message'], message));
  return {
    reader: { kind: 'lines', delimiter: options.delimiter, entry: grammar.regex, continueInto: 'message' },
    columns,
    units: [],
  };
}

/**
 * An inferred head's columns (`headerInference.ts`): the time, the level in its canonical
 * spelling, numbers as BIGINT, other fields as text (other timestamps too, as written), the
 * message. Like `grammarPlan`, a field no sample entry has is left out.
 */
function inferredPlan(grammar: LineGrammar, entries: readonly Record<string, string>[], options: { delimiter: string; completion: TimeCompletion | null }): TextPlan<LinesReader> {
  const header = grammar.inferred!;
  const columns: PlannedColumn[] = [];
  for (const field of header.fields) {
    const group = field.group;
    const values = entries.map((e) => e[group] ?? '').filter((v) => v !== '');
    if (values.length === 0 && field.kind !== 'time') continue;
    switch (field.kind) {
      case 'time':
        columns.push({ ...styleTimeColumn(timeStyle(field.style!), group, values.slice(0, 500), options.completion), name: 'time' });
        break;
      case 'level':
        columns.push(text('level', [group], levelSql(g(group))));
        break;
      case 'integer':
        columns.push(typed(field.name, [group], nonEmpty(`trim(${g(group)})`), 'BIGINT'));
        break;
      case 'other_time':
      case 'text':
        columns.push(text(field.name, [group], nonEmpty(`trim(${g(group)})`)));
        break;
    }
  }
  columns.push(text('message', ['message'], g('message')));
  return { reader: { kind: 'lines', delimiter: options.delimiter, entry: grammar.regex, continueInto: 'message' }, columns, units: [] };
}

/** Every non-blank line a row of one `line` column: the format of last resort. */
export function plainLinesPlan(delimiter: string): TextPlan<LinesReader> {
  return {
    reader: { kind: 'lines', delimiter, entry: null, continueInto: null },
    columns: [text('line', ['line'], 'text')],
    units: [],
  };
}

const integerText = /^-?\d{1,18}$/;
const decimalText = /^-?\d+\.\d+$/;
const messageNames = /^(message|msg|content|text|body|log|메시지|내용)$/i;

/**
 * A user's pattern: a column per named group. Values are typed from the sample — whole
 * numbers, decimals, times (ISO, the known log patterns, the timestamp styles above) — and
 * lines it does not match join the entry before them, appended to the group called message
 * (or the last text group).
 */
export function userPatternPlan(
  regex: GroupedRegex,
  entries: readonly Record<string, string>[],
  options: { delimiter: string; completionFor: (style: TimeStyle) => TimeCompletion | null },
): TextPlan<LinesReader> {
  const names = regex.groups.slice(1);
  const internal = names.map((_, i) => `g${i + 1}`);
  const { names: columnNames } = datasetColumnNames(names);
  const columns: PlannedColumn[] = names.map((name, i) => {
    const group = internal[i]!;
    const values = entries.map((e) => e[name] ?? '').filter((v) => v !== '');
    const all = (test: RegExp) => values.length > 0 && values.every((v) => test.test(v));
    const columnName = columnNames[i]!;
    const timeLike = values.length > 0 && (timeNameScore(name) > 0 || !all(integerText));
    if (timeLike) {
      const classified = classifyTimeValues('VARCHAR', values.map((v) => v.replace(',', '.')));
      if (classified && !classified.kind.startsWith('epoch')) {
        const time: TimeSpec =
          classified.kind === 'pattern'
            ? { column: columnName, kind: 'pattern', pattern: classified.pattern }
            : { column: columnName, kind: classified.kind, pattern: null };
        return { name: columnName, path: [name], sourceType: 'VARCHAR', type: 'TIMESTAMP', asJson: false, time, expression: nonEmpty(`replace(${g(group)}, ',', '.')`) };
      }
      const style = timeStyles.find((s) => s.id !== 'epoch' && values.every((v) => new RegExp(`^${s.regex}$`).test(v)));
      if (style) {
        const column = styleTimeColumn(style, group, values, options.completionFor(style));
        return { ...column, name: columnName, path: [name], time: { ...column.time!, column: columnName } };
      }
    }
    if (all(integerText)) return typed(columnName, [name], nonEmpty(g(group)), 'BIGINT');
    if (all(decimalText)) return typed(columnName, [name], nonEmpty(g(group)), 'DOUBLE');
    return text(columnName, [name], g(group));
  });
  const textColumns = columns.filter((c) => c.type === 'VARCHAR');
  const into = columns.find((c) => c.type === 'VARCHAR' && messageNames.test(c.path[0]!)) ?? textColumns.at(-1) ?? null;
  return {
    reader: { kind: 'lines', delimiter: options.delimiter, entry: { source: regex.source, groups: ['_m', ...internal] }, continueInto: into?.name ?? null },
    columns,
    units: [],
  };
}

/**
 * An access log's columns. The request line becomes method, path and protocol with string
 * functions (a regex over it costs twice as much); `-` means "none" and becomes NULL, except
 * Apache's `%b`, where it means zero bytes. Request times are seconds (nginx's
 * `$request_time`; Apache's `%D` microseconds are divided), recorded as such in `units`.
 */
export function accessPlan(layout: AccessLayout): TextPlan<AccessReader> {
  const columns: PlannedColumn[] = [];
  const units: ColumnUnit[] = [];
  const field = (f: AccessField) => g(f.column);
  const dash = (f: AccessField) => `nullif(${field(f)}, '-')`;
  const byRole = (role: AccessField['role']) => layout.fields.find((f) => f.role === role);
  for (const f of layout.fields) {
    switch (f.role) {
      case 'vhost':
        columns.push(text('vhost', [f.column], dash(f)));
        break;
      case 'client_ip':
        columns.push(text('client_ip', [f.column], field(f)));
        break;
      case 'ident':
        columns.push(text('ident', [f.column], dash(f)));
        break;
      case 'user':
        columns.push(text('user', [f.column], dash(f)));
        break;
      case 'time_single':
        columns.push({
          name: 'time',
          path: [f.column],
          sourceType: 'VARCHAR',
          type: 'TIMESTAMP',
          asJson: false,
          time: { column: 'time', kind: 'mixed', pattern: null },
          expression: `trim(${field(f)}, '[]')`,
        });
        break;
      case 'time_open': {
        const close = byRole('time_close')!;
        columns.push({
          name: 'time',
          path: [f.column],
          sourceType: 'VARCHAR',
          type: 'TIMESTAMP',
          asJson: false,
          time: { column: 'time', kind: 'pattern', pattern: '[%d/%b/%Y:%H:%M:%S %z]' },
          expression: `(${field(f)} || ' ' || ${field(close)})`,
        });
        break;
      }
      case 'time_close':
        break;
      case 'request': {
        const r = field(f);
        const space = `strpos(${r}, ' ')`;
        const last = `split_part(${r}, ' ', -1)`;
        const protocol = `CASE WHEN ${space} > 0 AND ${last} LIKE 'HTTP/%' THEN ${last} END`;
        columns.push(
          text('method', [f.column], `CASE WHEN ${space} > 1 THEN left(${r}, ${space} - 1) END`),
          text(
            'path',
            [f.column],
            `CASE WHEN ${space} = 0 THEN nullif(${r}, '-')
                  WHEN ${last} LIKE 'HTTP/%' AND length(${r}) - length(${last}) - 1 > ${space} THEN ${r}[${space} + 1 : length(${r}) - length(${last}) - 1]
                  ELSE ${r}[${space} + 1 :] END`,
          ),
          text('protocol', [f.column], protocol),
        );
        break;
      }
      case 'status':
        columns.push(typed('status', [f.column], field(f), 'SMALLINT'));
        break;
      case 'bytes':
        columns.push(typed('bytes', [f.column], `CASE WHEN ${field(f)} = '-' THEN '0' ELSE ${field(f)} END`, 'BIGINT'));
        break;
      case 'referer':
        columns.push(text('referer', [f.column], dash(f)));
        break;
      case 'user_agent':
        columns.push(text('user_agent', [f.column], dash(f)));
        break;
      case 'request_time':
        columns.push(typed('request_time', [f.column], dash(f), 'DOUBLE'));
        units.push({ column: 'request_time', unit: 's' });
        break;
      case 'request_time_us':
        columns.push(typed('request_time', [f.column], `(TRY_CAST(${dash(f)} AS DOUBLE) / 1e6)`, 'DOUBLE'));
        units.push({ column: 'request_time', unit: 's' });
        break;
      case 'upstream_response_time':
        // Several upstreams are listed ("0.010, 0.020" or "0.010 : 0.020"): the first is kept.
        columns.push(typed('upstream_response_time', [f.column], `nullif(split_part(split_part(${field(f)}, ',', 1), ' ', 1), '-')`, 'DOUBLE'));
        units.push({ column: 'upstream_response_time', unit: 's' });
        break;
      case 'x_forwarded_for':
        columns.push(text('x_forwarded_for', [f.column], dash(f)));
        break;
      case 'extra':
        columns.push(f.type === 'VARCHAR' ? text(f.name!, [f.column], dash(f)) : typed(f.name!, [f.column], dash(f), f.type!));
        break;
    }
  }
  // Rows of the split are whole lines; the recovery marks the ones cut off (withCutLinesMarked).
  columns.push({ name: partialColumn, path: [], sourceType: 'BOOLEAN', type: 'BOOLEAN', asJson: false, time: null, expression: 'false' });
  return {
    reader: {
      kind: 'access',
      columns: layout.fields.map((f) => ({ name: f.column, type: 'VARCHAR' })),
      recovery: accessRecoveryRegex(layout),
      complete: accessRecoveryRegex(layout, false).source,
    },
    columns,
    units,
  };
}
