import { AppError } from '../../../shared/api/errors';
import { pickLanguage } from '../../../shared/i18n/index';
import { errorRateSeries } from '../../../shared/charts/options';
import { UNUSUAL_K, UNUSUAL_WINDOW } from '../../../shared/charts/anomaly';
import { lightChartTheme } from '../../../shared/charts/theme';
import { formatZoned, zoneLabelAt, MS_PER_DAY, MS_PER_MINUTE } from '../../../shared/charts/zone';
import { chartRegistry } from '../../../shared/charts/registry';
import { chartAriaDescriptionOf } from '../../../shared/charts/aria';
import { chartTitle, chartWhat, type ChartLanguage } from '../../../shared/charts/describe';
import { cidSource, renderMailHtml } from '../../../shared/report/html';
import { renderMailText } from '../../../shared/report/text';
import { formatCount, formatRate } from '../../../shared/report/compose';
import type { MailDocument } from '../../../shared/report/document';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SettingsService } from '../settings/settings';
import type { DashboardService } from '../dashboard/dashboard';
import { sendFailure, type SmtpService } from '../mailOut/smtp';
import type { JobExecutor } from '../scheduler/scheduler';
import { getDatasetRecord } from '../catalog/datasets';
import { toCell } from '../db/cells';
import { chartFontFamily } from '../dashboard/render';
import { REPORT_CHART_SCALE, REPORT_CHART_WIDTH, reportChartHeight } from './build';

/**
 * The `alert` job: the dashboard's "unusual bucket" rule (or an error-rate threshold) over
 * the dataset's latest buckets, and a short message with the error-rate chart when it
 * fires, once per incident: `logscope.alert_state` remembers that the alert is firing, so
 * later runs that still find it firing send nothing; it clears when the rule no longer
 * fires, and the next incident fires again. Data time, not the clock, decides what the
 * latest bucket is: logs arrive after the fact.
 */
export function createAlertExecutor(deps: { db: Db; clock: Clock; log: Logger; dashboard: DashboardService; settings: SettingsService; smtp: SmtpService }): JobExecutor {
  const { db, log, dashboard, smtp } = deps;
  const catalog = () => db.connection('catalog');

  async function state(jobId: number): Promise<{ firing: boolean; since: string | null }> {
    const { rows } = await (await catalog()).all(`SELECT firing, since FROM logscope.alert_state WHERE job_id = $jobId`, { jobId });
    return rows[0] ? { firing: Boolean(rows[0][0]), since: toCell(rows[0][1]) as string | null } : { firing: false, since: null };
  }

  async function setState(jobId: number, firing: boolean, since: number | null, value: number | null) {
    await (await catalog()).run(
      `INSERT INTO logscope.alert_state VALUES ($jobId, $firing, $since::TIMESTAMP, $value)
       ON CONFLICT (job_id) DO UPDATE SET firing = excluded.firing, since = excluded.since, last_value = excluded.last_value`,
      { jobId, firing, since: since === null ? null : new Date(since).toISOString(), value },
    );
  }

  return async ({ job, signal }) => {
    if (job.target.kind !== 'alert') throw new AppError('internal', { message: 'not an alert job' });
    const alert = job.target.alert;
    const bucketMs = alert.bucketMinutes * MS_PER_MINUTE;
    if (MS_PER_DAY % bucketMs !== 0) throw new AppError('alert_rule_invalid', { detail: `a bucket of ${alert.bucketMinutes} minutes does not divide a day` });
    if (alert.rule === 'threshold' && alert.threshold === null) throw new AppError('alert_rule_invalid', { detail: 'the threshold rule needs a threshold' });
    const settings = await deps.settings.get();
    const zone = settings.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const language: ChartLanguage = settings.language === 'system' ? pickLanguage([Intl.DateTimeFormat().resolvedOptions().locale]) : settings.language;
    const t = dashboard.translator(language);

    const record = await getDatasetRecord(await catalog(), alert.datasetId);
    const roles = await dashboard.roles(alert.datasetId);
    if (!roles.charts.includes('errors')) throw new AppError('alert_rule_invalid', { detail: `${record.name} has no time with a status or level column` });
    if (!record.timeMax) return { message: `${record.name}: no rows with a time yet` };

    // The latest bucket (the one holding the newest row) and the W buckets before it.
    const newest = Date.parse(record.timeMax);
    const end = Math.floor(newest / bucketMs) * bucketMs + bucketMs;
    const from = end - (UNUSUAL_WINDOW + 1) * bucketMs;
    const result = await dashboard.chart(
      {
        datasetId: alert.datasetId,
        chart: 'errors',
        zone,
        range: { from: new Date(from).toISOString(), to: new Date(end).toISOString() },
        filters: [],
        search: null,
        widthPx: REPORT_CHART_WIDTH,
        bucketMs,
        options: { stackBy: 'auto', logScale: true },
      },
      signal,
    );
    const series = errorRateSeries(result);
    let last = series.buckets.length - 1;
    while (last >= 0 && (series.totals[last] ?? 0) === 0) last--;
    if (last < 0) return { message: `${record.name}: no requests in the latest ${UNUSUAL_WINDOW + 1} buckets` };
    const rate = series.rates[last]!;
    const verdict = series.verdicts[last]!;
    const bucketStart = series.buckets[last]!;
    const bucketEnd = series.buckets[last + 1] ?? Math.min(end, bucketStart + bucketMs);
    const limit = alert.rule === 'unusual' ? verdict.threshold : alert.threshold;
    const firing = alert.rule === 'unusual' ? verdict.unusual : rate > alert.threshold!;
    const where = `${formatZoned(bucketStart, zone)}–${formatZoned(bucketEnd, zone).slice(11)} (${zone})`;
    const said = `error rate ${formatRate(rate, 'en')} (${series.errors[last]} of ${series.totals[last]}) in ${where}`;
    const previous = await state(job.id);

    if (!firing) {
      if (previous.firing) {
        await setState(job.id, false, null, rate);
        return { message: `cleared: ${said}${limit === null ? '' : `, not above ${formatRate(limit, 'en')}`}` };
      }
      await setState(job.id, false, null, rate);
      return { message: `quiet: ${said}` };
    }
    if (previous.firing) {
      await setState(job.id, true, previous.since ? Date.parse(previous.since) : bucketStart, rate);
      return { message: `still firing since ${previous.since ? formatZoned(Date.parse(previous.since), zone) : '?'}: ${said}; not mailed again` };
    }

    // A new incident: the message, with the error-rate chart of the buckets looked at.
    const format = (n: number) => formatCount(n, language);
    const width = REPORT_CHART_WIDTH;
    const height = reportChartHeight('errors');
    const option = chartRegistry.errors.toOption(result, { t, language, zone, theme: lightChartTheme, interactive: false, fontFamily: chartFontFamily, heading: null, width });
    const png = await dashboard.renderer.png(await dashboard.renderer.svg(option, { width, height }), { scale: REPORT_CHART_SCALE, background: lightChartTheme.background });
    const title = chartTitle(t, 'errors', result);
    const image = { cid: 'chart-errors@logscope', fileName: 'errors.png', width, height, alt: chartAriaDescriptionOf(option) ?? title };
    const rateText = formatRate(rate, language);
    const document: MailDocument = {
      language,
      title: t('report.alert.title', { dataset: record.name }),
      subtitle: [t('report.mail.madeAt', { at: formatZoned(deps.clock.now().getTime(), zone), zone: zoneLabelAt(zone, deps.clock.now().getTime()) })],
      notes: [],
      blocks: [
        {
          kind: 'paragraph',
          tone: 'alert',
          text: t('report.alert.body', {
            from: formatZoned(bucketStart, zone),
            to: formatZoned(bucketEnd, zone).slice(11),
            zone,
            errors: format(series.errors[last]!),
            total: format(series.totals[last]!),
            rate: rateText,
          }),
        },
        {
          kind: 'paragraph',
          tone: 'normal',
          text:
            alert.rule === 'unusual'
              ? t('report.alert.rule_unusual', { threshold: formatRate(verdict.threshold!, language), median: formatRate(verdict.median ?? 0, language), k: UNUSUAL_K })
              : t('report.alert.rule_threshold', { threshold: formatRate(alert.threshold!, language) }),
        },
        { kind: 'chart', title, caption: chartWhat(t, 'errors', result, roles.roles, zone), image },
        { kind: 'paragraph', tone: 'normal', text: t('report.alert.once') },
      ],
      footer: [t('report.alert.footer', { job: job.name })],
    };
    const subject = t(`report.alert.subject_${alert.rule}`, { dataset: record.name, rate: rateText, threshold: limit === null ? '' : formatRate(limit, language) });
    const sent = await smtp.send({
      accountId: alert.smtpAccountId,
      message: {
        to: alert.recipients,
        subject,
        text: renderMailText(document, t('report.mail.textCharts')),
        html: renderMailHtml(document, { images: cidSource }),
        attachments: [{ fileName: image.fileName, contentType: 'image/png', content: png.png, cid: image.cid }],
      },
      kind: 'alert',
      trigger: 'schedule',
      reportId: null,
      name: job.name,
      dataset: record.name,
      signal,
    });
    // Possibly delivered counts as told: sending it again could tell them twice.
    if (sent.outcome !== 'failed') await setState(job.id, true, bucketStart, rate);
    if (sent.outcome !== 'sent' && sent.outcome !== 'partial') throw sendFailure(sent);
    log.info('alert fired', { job: job.name, dataset: record.name, rate });
    return { message: `fired: ${said}; alert sent to ${sent.accepted.join(', ')}` };
  };
}
