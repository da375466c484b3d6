import type { EChartsOption } from 'echarts';
import type { Cell } from '../api/schemas';
import { quoteIdent, type SqlQuery } from '../sql/quote';
import { patternColumn } from '../patterns/sql';
import { axisStyle, baseOption, escapeHtml, type ChartContext } from './options';
import { numberFormat, type Translate } from './describe';
import { columnSql, filteredRowsSql, integerLiteral, type ChartPlan, type Params } from './sql';
import type { ChartResult } from './spec';

/**
 * The patterns chart (issue 7): the message templates with the most rows under the
 * dashboard's range, filters and search, each marked when it is new — no rows in the
 * range as long as this one just before it, while that range holds rows. Rows carry
 * their template id in `_ls_pattern`; the text comes from Logscope's template table.
 */

/** Templates shown. */
export const TOP_PATTERNS = 15;

export const patternsChartColumns = ['template', 'count', 'pattern_id', 'previous', 'is_new'] as const;

export function buildPatternsChartQuery(plan: ChartPlan): SqlQuery {
  const params: Params = { table: plan.source.table };
  const time = plan.source.roles.time ? columnSql(plan.source.roles.time) : null;
  const pattern = quoteIdent(patternColumn);
  // With a range, the rows of the range before it are read too, for "new".
  const compares = time !== null && plan.restrictRange && plan.fromMs !== null && plan.toMs !== null;
  const widened: ChartPlan = compares ? { ...plan, fromMs: plan.fromMs! - (plan.toMs! - plan.fromMs!) } : plan;
  const rows = filteredRowsSql(widened, [`${pattern} AS id`, compares ? `epoch_ms(${time}) AS e` : 'NULL::BIGINT AS e'], params, [`${pattern} IS NOT NULL`]);
  const from = compares ? integerLiteral(plan.fromMs!) : null;
  const inRange = from ? `e >= ${from}` : 'true';
  const before = from ? `e < ${from}` : 'false';
  return {
    sql: `WITH f AS (${rows}),
c AS (SELECT id, count(*) FILTER (WHERE ${inRange}) AS n, count(*) FILTER (WHERE ${before}) AS previous FROM f GROUP BY id),
b AS (SELECT count(*) FILTER (WHERE ${before}) AS before_rows FROM f)
SELECT coalesce(p.template, '') AS template, c.n, c.id, c.previous, (b.before_rows > 0 AND c.previous = 0) AS is_new,
  sum(c.n) OVER ()::BIGINT AS covered
FROM c CROSS JOIN b
LEFT JOIN logscope.pattern_templates p ON p.pattern_id = c.id
  AND p.dataset_id = (SELECT id FROM logscope.datasets WHERE name = $table)
WHERE c.n > 0
ORDER BY c.n DESC, c.id
LIMIT ${TOP_PATTERNS}`,
    params,
  };
}

const num = (value: Cell | undefined): number => (typeof value === 'number' ? value : Number(value ?? 0));

/** Bars of the top templates, the most frequent at the top; new ones in the accent colour and marked. */
export function patternsChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const format = numberFormat(ctx.language);
  const rows = [...result.rows].reverse();
  const isNew = (row: Cell[]) => row[4] === true;
  const label = (row: Cell[]) => (isNew(row) ? `${format.format(num(row[1]))} · ${ctx.t('dashboard.charts.patterns.new')}` : format.format(num(row[1])));
  const width = ctx.width ?? 900;
  const labelWidth = Math.round(Math.min(440, Math.max(140, width * 0.5)));
  const longestValue = Math.max(0, ...rows.map((row) => label(row).length));
  const option = baseOption(ctx, { top: 12, right: Math.min(220, 12 + longestValue * 6.2) });
  const usual = ctx.theme.palette[4]!;
  const fresh = ctx.theme.palette[6]!;
  return {
    ...option,
    tooltip: ctx.interactive
      ? {
          ...(option.tooltip as object),
          trigger: 'item',
          formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            const row = rows[item?.dataIndex ?? 0];
            if (!row) return '';
            const lines = [
              `<b>${escapeHtml(String(row[0]))}</b>`,
              escapeHtml(ctx.t('dashboard.charts.patterns.rows', { count: format.format(num(row[1])), id: num(row[2]) })),
            ];
            if (isNew(row)) lines.push(escapeHtml(ctx.t('dashboard.charts.patterns.newHint')));
            return lines.join('<br/>');
          },
        }
      : undefined,
    xAxis: {
      type: 'value',
      splitNumber: 3,
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true, formatter: (v: number) => numberFormat(ctx.language, { notation: 'compact' }).format(v) },
    },
    yAxis: {
      type: 'category',
      data: rows.map((row) => String(row[0]) || ctx.t('dashboard.charts.patterns.empty')),
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.text, fontFamily: ctx.fontFamily, width: labelWidth, overflow: 'truncate', fontSize: 11, interval: 0 },
      splitLine: { show: false },
    },
    series: [
      {
        id: 'patterns',
        name: ctx.t('dashboard.charts.patterns.title'),
        type: 'bar',
        data: rows.map((row) => ({ value: num(row[1]), itemStyle: { color: isNew(row) ? fresh : usual } })),
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: ctx.theme.mutedText, fontSize: 10, formatter: (p) => label(rows[p.dataIndex] ?? []) },
      },
    ],
  };
}

/** The chart's data as the CSV export writes it. */
export function patternsChartTable(result: ChartResult, _t: Translate): { columns: string[]; rows: Cell[][] } {
  return {
    columns: ['pattern_id', 'template', 'count', 'count_before', 'is_new'],
    rows: result.rows.map((r) => [r[2] ?? null, r[0] ?? null, r[1] ?? 0, r[3] ?? 0, r[4] === true]),
  };
}

/** The template a bar stands for (bars are drawn bottom-up from the reversed rows). */
export function patternOfBar(result: ChartResult, dataIndex: number): number | null {
  const row = result.rows[result.rows.length - 1 - dataIndex];
  return row && row[2] !== null && row[2] !== undefined ? num(row[2]) : null;
}
