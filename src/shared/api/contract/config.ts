import { z } from 'zod';
import { MailRuleInput, MailSecurity, TlsTrust } from './mail';
import { AlertSpec, ScheduleSpec } from './jobs';
import { ReportSpec, SmtpSecurity } from './report';
import { empty, method } from '../schemas';

/** Where a password is kept; never the password. */
const SecretPlace = z.discriminatedUnion('store', [z.object({ store: z.literal('keychain') }).strict(), z.object({ store: z.literal('file'), path: z.string().min(1) }).strict()]);

/**
 * The configuration that moves between machines (`logscope config export|import`):
 * accounts without their secrets, rules, jobs and retention. Things refer to each other
 * by name, since ids differ from one data folder to the next.
 */
export const ConfigDocument = z
  .object({
    logscopeConfig: z.literal(1),
    exportedAt: z.string(),
    accounts: z.array(
      z
        .object({
          name: z.string().min(1),
          host: z.string().min(1),
          port: z.number().int().min(1).max(65535),
          security: MailSecurity,
          user: z.string().min(1),
          trust: TlsTrust,
          /** Where the password is kept; never the password. */
          secret: z.discriminatedUnion('store', [z.object({ store: z.literal('keychain') }).strict(), z.object({ store: z.literal('file'), path: z.string().min(1) }).strict()]),
        })
        .strict(),
    ),
    rules: z.array(MailRuleInput.omit({ accountId: true }).extend({ account: z.string().min(1) }).strict()),
    jobs: z.array(
      z
        .object({
          name: z.string().min(1),
          target: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('fetch'), rule: z.string().min(1) }).strict(),
            z.object({ kind: z.literal('report'), report: z.string().min(1) }).strict(),
            z
              .object({
                kind: z.literal('alert'),
                dataset: z.string().min(1),
                alert: AlertSpec.omit({ datasetId: true }),
                /** The SMTP account by name (its id differs between machines); null: the only one. */
                smtpAccount: z.string().min(1).nullable().default(null),
              })
              .strict(),
            z.object({ kind: z.literal('retention') }).strict(),
          ]),
          schedule: ScheduleSpec,
          enabled: z.boolean(),
        })
        .strict(),
    ),
    retention: z.array(
      z.object({ dataset: z.string().min(1), keepDays: z.number().int().positive().nullable(), keepRows: z.number().int().positive().nullable() }).strict(),
    ),
    /** SMTP accounts reports and alerts send with (issue 10); absent in files of older versions. */
    smtpAccounts: z
      .array(
        z
          .object({
            name: z.string().min(1),
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535),
            security: SmtpSecurity,
            user: z.string().min(1),
            from: z.string().min(1),
            fromName: z.string().nullable(),
            trust: TlsTrust,
            secret: SecretPlace,
          })
          .strict(),
      )
      .default([]),
    /** Report definitions by name, their dataset and SMTP account by name. */
    reports: z
      .array(
        ReportSpec.omit({ datasetId: true, smtpAccountId: true })
          .extend({ name: z.string().min(1), dataset: z.string().min(1), smtpAccount: z.string().min(1).nullable() })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type ConfigDocument = z.infer<typeof ConfigDocument>;

export const ConfigImportItem = z.object({
  kind: z.enum(['account', 'rule', 'job', 'retention', 'smtp_account', 'report']),
  name: z.string(),
  outcome: z.enum(['created', 'exists', 'failed']),
  message: z.string().nullable(),
});
export type ConfigImportItem = z.infer<typeof ConfigImportItem>;

export const configMethods = {
  'config.export': method(empty, ConfigDocument),
  'config.import': method(z.object({ document: ConfigDocument }).strict(), z.array(ConfigImportItem)),
} as const;
