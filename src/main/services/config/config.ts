import type { ConfigDocument, ConfigImportItem } from '../../../shared/api/contract/config';
import { toWireError } from '../../../shared/api/errors';
import type { JobTarget } from '../../../shared/api/contract/jobs';
import type { Clock } from '../clock';
import type { DatasetService } from '../datasets/datasets';
import type { MailInService } from '../mailIn/mailIn';
import type { Retention, SchedulerService } from '../scheduler/scheduler';
import type { SmtpService } from '../mailOut/smtp';
import type { ReportService } from '../reports/reports';
import type { Handlers } from '../../transport/rpc';

/**
 * Moving a configuration between machines: export refers to everything by name; import
 * creates what is missing, keeps what exists by the same name, and reports each item.
 * Passwords never travel: an imported account needs `logscope account password`.
 */
export function createConfigService({
  clock,
  datasets,
  mailIn,
  scheduler,
  retention,
  smtp,
  reports,
}: {
  clock: Clock;
  datasets: DatasetService;
  mailIn: MailInService;
  scheduler: SchedulerService;
  retention: Retention;
  smtp: SmtpService;
  reports: ReportService;
}) {
  async function exportConfig(): Promise<ConfigDocument> {
    const [accounts, rules, jobs, policies, datasetList, smtpAccounts, reportList] = await Promise.all([
      mailIn.listAccounts(),
      mailIn.listRules(),
      scheduler.list(),
      retention.list(),
      datasets.list(),
      smtp.listAccounts(),
      reports.list(),
    ]);
    const datasetName = new Map(datasetList.map((d) => [d.id, d.name]));
    const ruleName = new Map(rules.map((r) => [r.id, r.name]));
    const smtpName = new Map(smtpAccounts.map((a) => [a.id, a.name]));
    const reportName = new Map(reportList.map((r) => [r.id, r.name]));
    return {
      logscopeConfig: 1,
      exportedAt: clock.now().toISOString(),
      accounts: accounts.map((a) => ({
        name: a.name,
        host: a.host,
        port: a.port,
        security: a.security,
        user: a.user,
        trust: a.trust,
        secret: a.secret.store === 'file' ? { store: 'file', path: a.secret.path } : { store: 'keychain' },
      })),
      rules: rules.map((r) => ({
        name: r.name,
        account: r.account,
        folder: r.folder,
        senders: r.senders,
        subjects: r.subjects,
        attachmentPatterns: r.attachmentPatterns,
        since: r.since,
        dataset: r.dataset,
        markSeen: r.markSeen,
        moveTo: r.moveTo,
        maxAttachmentMb: r.maxAttachmentMb,
      })),
      jobs: jobs.flatMap((job) => {
        const target = exportTarget(job.target, { ruleName, datasetName, smtpName, reportName });
        return target ? [{ name: job.name, target, schedule: job.schedule, enabled: job.enabled }] : [];
      }),
      retention: policies.flatMap((p) => {
        const dataset = datasetName.get(p.datasetId);
        return dataset ? [{ dataset, keepDays: p.keepDays, keepRows: p.keepRows }] : [];
      }),
      smtpAccounts: smtpAccounts.map((a) => ({
        name: a.name,
        host: a.host,
        port: a.port,
        security: a.security,
        user: a.user,
        from: a.from,
        fromName: a.fromName,
        trust: a.trust,
        secret: a.secret.store === 'file' ? { store: 'file', path: a.secret.path } : { store: 'keychain' },
      })),
      reports: reportList.flatMap((r) => {
        const dataset = datasetName.get(r.datasetId);
        if (!dataset) return [];
        return [
          {
            name: r.name,
            dataset,
            period: r.period,
            filters: r.filters,
            search: r.search,
            zone: r.zone,
            language: r.language,
            recipients: r.recipients,
            subject: r.subject,
            smtpAccount: r.smtpAccountId === null ? null : (smtpName.get(r.smtpAccountId) ?? null),
            charts: r.charts,
            attachments: r.attachments,
          },
        ];
      }),
    };
  }

  async function importConfig(document: ConfigDocument): Promise<ConfigImportItem[]> {
    const items: ConfigImportItem[] = [];
    const attempt = async (kind: ConfigImportItem['kind'], name: string, exists: boolean, create: () => Promise<string | null>) => {
      if (exists) return items.push({ kind, name, outcome: 'exists', message: null });
      try {
        items.push({ kind, name, outcome: 'created', message: await create() });
      } catch (error) {
        const wire = toWireError(error);
        items.push({ kind, name, outcome: 'failed', message: `${wire.code} ${JSON.stringify(wire.params)}` });
      }
    };

    const accounts = await mailIn.listAccounts();
    for (const account of document.accounts) {
      await attempt('account', account.name, accounts.some((a) => a.name === account.name), async () => {
        // A credentials-file path from someone else's file is not adopted: any small file of
        // ours would be read as the password and sent to the account's server.
        await mailIn.importAccount({ ...account, secret: { store: 'keychain' } });
        return `set its password: logscope account password ${JSON.stringify(account.name)}${account.secret.store === 'file' ? ` --credentials-file ${account.secret.path}` : ''}`;
      });
    }
    const accountId = new Map((await mailIn.listAccounts()).map((a) => [a.name, a.id]));
    const rules = await mailIn.listRules();
    for (const rule of document.rules) {
      await attempt('rule', rule.name, rules.some((r) => r.name === rule.name), async () => {
        const id = accountId.get(rule.account);
        if (!id) throw new Error(`account ${rule.account} is not there`);
        const { account: _account, ...fields } = rule;
        await mailIn.createRule({ ...fields, accountId: id });
        return null;
      });
    }
    const ruleId = new Map((await mailIn.listRules()).map((r) => [r.name, r.id]));
    const datasetId = new Map((await datasets.list()).map((d) => [d.name, d.id]));

    const smtpAccounts = await smtp.listAccounts();
    for (const account of document.smtpAccounts) {
      await attempt('smtp_account', account.name, smtpAccounts.some((a) => a.name.toLowerCase() === account.name.toLowerCase()), async () => {
        await smtp.importAccount({ ...account, secret: { store: 'keychain' } });
        return `set its password: logscope smtp password ${JSON.stringify(account.name)}${account.secret.store === 'file' ? ` --credentials-file ${account.secret.path}` : ''}`;
      });
    }
    const smtpId = new Map((await smtp.listAccounts()).map((a) => [a.name.toLowerCase(), a.id]));
    const smtpIdOf = (name: string | null) => {
      if (name === null) return null;
      const id = smtpId.get(name.toLowerCase());
      if (!id) throw new Error(`SMTP account ${name} is not there`);
      return id;
    };
    const reportList = await reports.list();
    for (const report of document.reports) {
      await attempt('report', report.name, reportList.some((r) => r.name.toLowerCase() === report.name.toLowerCase()), async () => {
        const id = datasetId.get(report.dataset);
        if (!id) throw new Error(`dataset ${report.dataset} is not there yet; import the report again after its first import`);
        const { dataset: _dataset, smtpAccount, ...fields } = report;
        await reports.create({ ...fields, datasetId: id, smtpAccountId: smtpIdOf(smtpAccount) });
        return null;
      });
    }
    const reportId = new Map((await reports.list()).map((r) => [r.name.toLowerCase(), r.id]));

    const jobs = await scheduler.list();
    for (const job of document.jobs) {
      await attempt('job', job.name, jobs.some((j) => j.name === job.name), async () => {
        // Switched off until the user has read it: an imported report job could mail a
        // dataset to the file author's recipients.
        await scheduler.create({ name: job.name, target: importTarget(job.target, { ruleId, datasetId, reportId, smtpIdOf }), schedule: job.schedule, enabled: false });
        return `switched off; switch it on with: logscope jobs enable ${JSON.stringify(job.name)}`;
      });
    }
    for (const policy of document.retention) {
      await attempt('retention', policy.dataset, false, async () => {
        const id = datasetId.get(policy.dataset);
        if (!id) throw new Error(`dataset ${policy.dataset} is not there yet; set its retention after its first import`);
        await retention.set({ datasetId: id, keepDays: policy.keepDays, keepRows: policy.keepRows });
        return null;
      });
    }
    return items;
  }

  return { exportConfig, importConfig };
}

function exportTarget(
  target: JobTarget,
  names: { ruleName: Map<number, string>; datasetName: Map<number, string>; smtpName: Map<number, string>; reportName: Map<number, string> },
): ConfigDocument['jobs'][number]['target'] | null {
  switch (target.kind) {
    case 'fetch': {
      const rule = names.ruleName.get(target.ruleId);
      return rule ? { kind: 'fetch', rule } : null;
    }
    case 'alert': {
      const dataset = names.datasetName.get(target.alert.datasetId);
      if (!dataset) return null;
      const { datasetId: _id, ...alert } = target.alert;
      // Ids differ between machines: the account travels by name.
      const smtpAccount = alert.smtpAccountId === null ? null : (names.smtpName.get(alert.smtpAccountId) ?? null);
      return { kind: 'alert', dataset, alert: { ...alert, smtpAccountId: null }, smtpAccount };
    }
    case 'report': {
      const report = names.reportName.get(target.reportId);
      return report ? { kind: 'report', report } : null;
    }
    case 'retention':
      return { kind: 'retention' };
  }
}

function importTarget(
  target: ConfigDocument['jobs'][number]['target'],
  ids: { ruleId: Map<string, number>; datasetId: Map<string, number>; reportId: Map<string, number>; smtpIdOf: (name: string | null) => number | null },
): JobTarget {
  switch (target.kind) {
    case 'fetch': {
      const id = ids.ruleId.get(target.rule);
      if (!id) throw new Error(`rule ${target.rule} is not there`);
      return { kind: 'fetch', ruleId: id };
    }
    case 'alert': {
      const id = ids.datasetId.get(target.dataset);
      if (!id) throw new Error(`dataset ${target.dataset} is not there`);
      // An id from another machine means nothing here: only the name is used.
      const smtpAccountId = ids.smtpIdOf(target.smtpAccount);
      return { kind: 'alert', alert: { ...target.alert, datasetId: id, smtpAccountId } };
    }
    case 'report': {
      const id = ids.reportId.get(target.report.toLowerCase());
      if (!id) throw new Error(`report ${target.report} is not there`);
      return { kind: 'report', reportId: id };
    }
    case 'retention':
      return { kind: 'retention' };
  }
}

export type ConfigService = ReturnType<typeof createConfigService>;

export function createConfigHandlers(config: ConfigService): Pick<Handlers, 'config.export' | 'config.import'> {
  return {
    'config.export': () => config.exportConfig(),
    'config.import': (input) => config.importConfig(input.document),
  };
}
