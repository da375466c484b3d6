import type { Command } from 'commander';
import { AppError } from '../../shared/api/errors';
import type { Api } from '../../shared/api/client';
import type { PatternAssignment, PatternStatus, PatternSummary } from '../../shared/api/contract/patterns';
import type { CommandContext } from '../cli';
import { withApi } from './session';
import { parsePositiveInt } from './parse';
import { jsonLine, textTable } from './output';

/** The `--json` keys scripts rely on, for one template. */
export function patternJson(template: PatternSummary) {
  return {
    pattern_id: template.patternId,
    template: template.template,
    count: template.count,
    first_seen: template.firstSeen,
    last_seen: template.lastSeen,
    example: template.example,
  };
}

/** The `--json` keys scripts rely on, for one row's pattern. */
export function assignmentJson(row: PatternAssignment) {
  return { source_id: row.sourceId, source: row.source, line: row.line, pattern_id: row.patternId };
}

interface PatternFlags {
  dataset: string;
  limit?: number;
  assign?: boolean;
  wait: boolean;
}

const listPage = 5000;
const assignPage = 20_000;

export function registerPatternsCommand(program: Command, context: CommandContext) {
  program
    .command('patterns')
    .description('the message templates of a dataset with their counts, or the template of every row (--assign)')
    .requiredOption('--dataset <name>', 'the dataset')
    .option('--limit <n>', 'at most this many templates (or rows with --assign), most frequent first', parsePositiveInt)
    .option('--assign', 'print every row\'s pattern id, in source and line order, instead of the templates')
    .option('--no-wait', 'print what has been mined so far instead of waiting for mining to finish')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ npx logscope patterns --dataset access --limit 20',
        '  $ npx logscope patterns --dataset access --json',
        '  $ npx logscope patterns --dataset access --assign --json',
        '',
        'Every row has exactly one pattern once mining has finished, so the counts add up to the rows.',
        'In SQL, rows carry their pattern id in `_ls_pattern`, and the view logscope.patterns lists the templates:',
        '  $ npx logscope query "SELECT p.template, count(*) FROM access a JOIN logscope.patterns p',
        '      ON p.dataset = \'access\' AND p.pattern_id = a._ls_pattern GROUP BY 1 ORDER BY 2 DESC"',
      ].join('\n'),
    )
    .action(async (flags: PatternFlags) => {
      const globals = context.globals();
      await withApi({ ...globals, log: context.log, say: context.say, signal: context.signal }, async (api) => {
        const dataset = (await api.call('datasets.list', {}, { signal: context.signal })).find(
          (d) => d.name.toLowerCase() === flags.dataset.toLowerCase(),
        );
        if (!dataset) throw new AppError('dataset_not_found', { name: flags.dataset });
        const status = flags.wait ? await waitForMining(api, dataset.id, context) : await api.call('patterns.status', { datasetId: dataset.id });
        if (status.state === 'no_message_column') throw new AppError('patterns_no_message_column', { dataset: dataset.name });
        if (flags.assign) await printAssignments(api, dataset.id, flags, context);
        else await printTemplates(api, dataset.id, flags, context);
      });
    });
}

async function waitForMining(api: Api, datasetId: number, context: CommandContext): Promise<PatternStatus> {
  const isTerminal = Boolean(process.stderr.isTTY);
  let shown = false;
  const stop = api.on('patterns.progress', (p) => {
    if (!isTerminal || p.datasetId !== datasetId || p.rowsTotal === 0) return;
    const share = Math.min(1, p.rowsDone / p.rowsTotal);
    process.stderr.write(`\rmining patterns: ${(share * 100).toFixed(0)}% (${p.rowsDone.toLocaleString('en-US')} of ${p.rowsTotal.toLocaleString('en-US')} rows)`);
    shown = true;
  });
  try {
    return await api.call('patterns.wait', { datasetId }, { signal: context.signal });
  } finally {
    stop();
    if (shown) process.stderr.write('\r\x1b[K');
  }
}

async function printTemplates(api: Api, datasetId: number, flags: PatternFlags, context: CommandContext): Promise<void> {
  const json = context.globals().json;
  const wanted = flags.limit ?? Number.POSITIVE_INFINITY;
  const all: PatternSummary[] = [];
  for (let offset = 0; all.length < wanted; offset += listPage) {
    const limit = Math.min(listPage, wanted - all.length);
    const page = await api.call('patterns.list', { datasetId, offset, limit, sparklineBuckets: 0 }, { signal: context.signal });
    if (json) context.out(page.templates.map((t) => jsonLine(patternJson(t))).join(''));
    all.push(...page.templates);
    if (page.templates.length < limit) break;
  }
  if (json) return;
  if (all.length === 0) {
    context.out('No patterns yet.\n');
    return;
  }
  context.out(
    textTable(
      [{ name: 'pattern_id', type: '' }, { name: 'count', type: '' }, { name: 'template', type: '' }],
      all.map((t) => [t.patternId, t.count, t.template]),
      100,
    ),
  );
}

async function printAssignments(api: Api, datasetId: number, flags: PatternFlags, context: CommandContext): Promise<void> {
  const json = context.globals().json;
  let remaining = flags.limit ?? Number.POSITIVE_INFINITY;
  let after: { sourceId: number; line: number } | null = null;
  if (!json) context.out('source_id\tsource\tline\tpattern_id\n');
  while (remaining > 0) {
    const page: { rows: PatternAssignment[]; next: { sourceId: number; line: number } | null } = await api.call(
      'patterns.assign',
      { datasetId, after, limit: Math.min(assignPage, remaining) },
      { signal: context.signal },
    );
    context.out(
      page.rows
        .map((row) => (json ? jsonLine(assignmentJson(row)) : `${row.sourceId}\t${row.source ?? ''}\t${row.line ?? ''}\t${row.patternId ?? ''}\n`))
        .join(''),
    );
    remaining -= page.rows.length;
    if (page.next === null) break;
    after = page.next;
  }
}
