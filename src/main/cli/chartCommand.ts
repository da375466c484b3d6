import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../shared/api/errors';
import { pickLanguage } from '../../shared/i18n';
import type { ChartId, ExportFormat } from '../../shared/charts/spec';
import { chartIds } from '../../shared/charts/names';
import { isValidTimeZone, localToUtc, offsetSegments, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../shared/charts/zone';
import type { CommandContext } from '../cli';
import { withApi } from './session';
import { jsonLine } from './output';
import { parsePositiveInt } from './parse';

interface ChartFlags {
  dataset: string;
  chart: ChartId;
  format: ExportFormat;
  from?: string;
  to?: string;
  period?: string;
  tz?: string;
  width: number;
  height: number;
  scale: number;
  lang?: 'ko' | 'en';
  theme: 'light' | 'dark';
  out: string;
}

/** `24h`, `7d`, `90m`, or `all`. */
export function parsePeriod(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const match = /^(\d+)(m|h|d)$/.exec(value);
  if (!match) throw new InvalidArgumentError('a period is a number with m, h or d (e.g. 24h, 7d), or "all"');
  const unit = { m: MS_PER_MINUTE, h: MS_PER_HOUR, d: MS_PER_DAY }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * An instant from the command line: ISO with `Z` or an offset, or a wall-clock time
 * (`2024-03-04`, `2024-03-04 09:00`, `2024-03-04T09:00:30`) read in `zone`.
 */
export function parseInstant(value: string, zone: string): number {
  const wall = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (wall) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = wall;
    const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    return localToUtc(local, offsetSegments(zone, local - 2 * MS_PER_DAY, local + 2 * MS_PER_DAY));
  }
  const ms = Date.parse(value);
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || Number.isNaN(ms)) {
    throw new InvalidArgumentError(`"${value}" is not a time: use 2024-03-04, "2024-03-04 09:00" (in --tz) or 2024-03-04T00:00:00Z`);
  }
  return ms;
}

const defaultFormatFor = (out: string): ExportFormat => {
  const extension = path.extname(out).toLowerCase();
  return extension === '.svg' ? 'svg' : extension === '.csv' ? 'csv' : 'png';
};

export function registerChartCommand(program: Command, context: CommandContext) {
  program
    .command('chart')
    .description('draw one dashboard chart of a dataset to a PNG or SVG file (or its data to CSV), as the app exports it')
    .requiredOption('--dataset <name>', 'the dataset')
    .addOption(new Option('--chart <chart>', 'which chart').choices([...chartIds]).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'file format (default: from --out, else png)').choices(['png', 'svg', 'csv']))
    .option('--from <time>', 'start of the range: 2024-03-04, "2024-03-04 09:00" (in --tz) or an ISO instant')
    .option('--to <time>', 'end of the range (exclusive), as --from')
    .option('--period <period>', 'the last 24h, 7d, 90m… before the dataset\'s last event, or "all" (default)')
    .option('--tz <zone>', 'time zone of buckets and labels (default: the app\'s setting, else this computer\'s zone)')
    .option('--width <px>', 'chart width in CSS pixels', parsePositiveInt, 1200)
    .option('--height <px>', 'chart height in CSS pixels', parsePositiveInt, 600)
    .option('--scale <n>', 'PNG pixels per CSS pixel (the app exports at 2)', parsePositiveInt, 2)
    .addOption(new Option('--lang <language>', 'language of titles and labels (default: the app\'s setting)').choices(['ko', 'en']))
    .addOption(new Option('--theme <theme>', 'colours').choices(['light', 'dark']).default('light'))
    .requiredOption('--out <file>', 'file to write')
    .addHelpText(
      'after',
      `\nA PNG has width × scale by height × scale pixels; text is drawn with the fonts Logscope ships (Korean included).\n\nExamples:\n  $ npx logscope chart --dataset demo_service --chart errors --period 24h --tz Asia/Seoul --out errors.png\n  $ npx logscope chart --dataset access --chart heatmap --from 2024-03-04 --to 2024-03-11 --format svg --out heat.svg`,
    )
    .action(async (flags: ChartFlags, command: Command) => {
      // A usage error is printed like commander's own and exits with 2.
      const usage = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'logscope.usage' });
      try {
        await drawChart(flags, usage);
      } catch (error) {
        if (error instanceof InvalidArgumentError) usage(error.message);
        throw error;
      }
    });

  async function drawChart(flags: ChartFlags, usage: (message: string) => never) {
      const globals = context.globals();
      if (flags.period && (flags.from || flags.to)) usage('use either --period or --from/--to');
      if (flags.width < 300 || flags.width > 4000 || flags.height < 200 || flags.height > 3000) {
        usage('--width must be 300–4000 and --height 200–3000');
      }
      if (flags.scale > 4) usage('--scale is at most 4');
      const period = flags.period ? parsePeriod(flags.period) : 'all';
      const format = flags.format ?? defaultFormatFor(flags.out);

      await withApi({ ...globals, log: context.log, say: context.say, signal: context.signal }, async (api) => {
        const settings = await api.call('settings.get', {}, { signal: context.signal });
        const zone = flags.tz ?? settings.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (!isValidTimeZone(zone)) throw new AppError('timezone_invalid', { zone });
        const language =
          flags.lang ??
          (settings.language === 'system' ? pickLanguage([process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG].filter((v): v is string => !!v)) : settings.language);
        const datasets = await api.call('datasets.list', {}, { signal: context.signal });
        const dataset = datasets.find((d) => d.name.toLowerCase() === flags.dataset.toLowerCase());
        if (!dataset) throw new AppError('dataset_not_found', { name: flags.dataset });
        // Templates are mined after imports: the chart waits until every row has one.
        if (flags.chart === 'patterns') await api.call('patterns.wait', { datasetId: dataset.id }, { signal: context.signal });

        let range: { from: string; to: string } | null = null;
        if (flags.from || flags.to) {
          const from = flags.from ? parseInstant(flags.from, zone) : dataset.timeMin ? Date.parse(dataset.timeMin) : 0;
          const to = flags.to ? parseInstant(flags.to, zone) : dataset.timeMax ? Date.parse(dataset.timeMax) + 1 : Date.now();
          if (to <= from) usage('--to must be after --from');
          range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
        } else if (period !== 'all' && dataset.timeMax) {
          const to = Date.parse(dataset.timeMax) + 1;
          range = { from: new Date(to - period).toISOString(), to: new Date(to).toISOString() };
        }

        const file = await api.call(
          'dashboard.export',
          {
            query: { datasetId: dataset.id, chart: flags.chart, zone, range, widthPx: flags.width },
            format,
            width: flags.width,
            height: flags.height,
            scale: flags.scale,
            theme: flags.theme,
            language,
          },
          { signal: context.signal },
        );
        const out = path.resolve(flags.out);
        await fs.writeFile(out, Buffer.from(file.base64, 'base64'));
        const summary = {
          file: out,
          dataset: dataset.name,
          chart: flags.chart,
          format,
          width: file.width,
          height: file.height,
          bytes: file.bytes,
          rows: file.covered,
          tz: zone,
          from: file.range?.from ?? null,
          to: file.range?.to ?? null,
        };
        if (globals.json) context.out(jsonLine(summary));
        else {
          const size = file.width && file.height ? `${file.width}×${file.height} ` : '';
          context.out(`Wrote ${out} (${size}${format.toUpperCase()}, ${file.bytes.toLocaleString('en-US')} bytes; ${file.covered.toLocaleString('en-US')} rows)\n`);
        }
      });
  }
}
