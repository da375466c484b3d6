import { z } from 'zod';
import { DatasetId, IsoInstant, OwnerKind, empty, method } from '../schemas';
import { normalizeFingerprint } from '../../mail/match';

/**
 * Collecting log files from a mailbox over IMAP (issue 9): accounts (the password goes to
 * the OS keychain or a credentials file and never comes back over the contract), collection
 * rules, and "fetch now" with progress and a per-attachment outcome list.
 */

export const mailSecurities = ['tls', 'starttls', 'plain'] as const;
export const MailSecurity = z.enum(mailSecurities);
export type MailSecurity = z.infer<typeof MailSecurity>;

/** Implicit TLS on 993, STARTTLS on 143; plain IMAP only after an explicit choice. */
export const defaultImapPort: Record<MailSecurity, number> = { tls: 993, starttls: 143, plain: 143 };

/** A path on the machine that owns the data folder (POSIX, drive letter or UNC). */
const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'must be an absolute path');

/** `AA:BB:…` (32 bytes); spaces, lower case and missing colons are accepted on input. */
export const Fingerprint256 = z
  .string()
  .max(200)
  .transform((value) => normalizeFingerprint(value) ?? value)
  .pipe(z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint is 32 bytes in hex (AA:BB:…)'));

/** Which certificates a TLS connection accepts; verification itself is never switched off. */
export const TlsTrust = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('system') }).strict(),
  z.object({ kind: z.literal('ca_file'), path: AbsolutePath }).strict(),
  z.object({ kind: z.literal('pinned'), fingerprint256: Fingerprint256 }).strict(),
]);
export type TlsTrust = z.infer<typeof TlsTrust>;

/** A password crosses the contract once, to be stored; it is never returned. */
const Password = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !/[\r\n]/.test(p), 'a password is one line');

/**
 * OAuth2 (issue 22): a grant names where a sign-in's tokens are kept — a name in the secure
 * store, or an absolute path to a credentials file (headless servers). IMAP and SMTP accounts
 * that name the same grant share its tokens.
 */
export const oauthProviderIds = ['google', 'microsoft', 'custom'] as const;
export const OAuthProviderId = z.enum(oauthProviderIds);
export type OAuthProviderId = z.infer<typeof OAuthProviderId>;

export const GrantName = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .refine((g) => !/[\p{Cc}]/u.test(g), 'no control characters');

const KeychainSecretInput = z.object({ store: z.literal('keychain'), password: Password }).strict();
/** A credentials file on the owner's machine; with a password it is (re)written with mode 0600. */
const FileSecretInput = z.object({ store: z.literal('file'), path: AbsolutePath, password: Password.optional() }).strict();
/** Sign in with a grant obtained before (`mail.oauth.signIn`, `logscope account login`). */
const OAuthSecretInput = z.object({ store: z.literal('oauth2'), grant: GrantName }).strict();
export const SecretInput = z.discriminatedUnion('store', [KeychainSecretInput, OAuthSecretInput, FileSecretInput]);
export type SecretInput = z.infer<typeof SecretInput>;
/** Where a password comes from, for servers that take only passwords (ClickHouse). */
export const PasswordSecretInput = z.discriminatedUnion('store', [KeychainSecretInput, FileSecretInput]);
export type PasswordSecretInput = z.infer<typeof PasswordSecretInput>;

const KeychainLocation = z.object({ store: z.literal('keychain'), service: z.string(), account: z.string() });
const FileLocation = z.object({ store: z.literal('file'), path: z.string() });
export const SecretLocation = z.discriminatedUnion('store', [KeychainLocation, FileLocation, z.object({ store: z.literal('oauth2'), grant: z.string() })]);
export const PasswordSecretLocation = z.discriminatedUnion('store', [KeychainLocation, FileLocation]);
export type PasswordSecretLocation = z.infer<typeof PasswordSecretLocation>;
export type SecretLocation = z.infer<typeof SecretLocation>;

/**
 * Where `keychain` passwords go on the owner's machine right now: the OS keychain, or (in the
 * app, when keytar is missing or the keychain does not answer) a file encrypted with Electron's
 * safeStorage, with the reason the OS keychain was passed over.
 */
export const SecureStoreInfo = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('os_keychain'), service: z.string() }),
  z.object({ kind: z.literal('encrypted_file'), path: z.string(), protection: z.string(), keychainReason: z.string() }),
]);
export type SecureStoreInfo = z.infer<typeof SecureStoreInfo>;

const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((n) => !/[\p{Cc}]/u.test(n), 'no control characters');

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((h) => /^[A-Za-z0-9._:[\]-]+$/.test(h), 'a host name or IP address');

export const WireErrorSchema = z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) });

export const MailAccountInput = z
  .object({
    /** Default: USER@HOST. */
    name: Name.optional(),
    host: Host,
    /** Default: 993 for TLS, 143 otherwise. */
    port: z.number().int().min(1).max(65535).optional(),
    security: MailSecurity.default('tls'),
    user: z.string().min(1).max(320),
    trust: TlsTrust.default({ kind: 'system' }),
    secret: SecretInput,
  })
  .strict();

export const MailAccountUpdate = z
  .object({
    id: z.number().int().positive(),
    name: Name.optional(),
    host: Host.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    security: MailSecurity.optional(),
    user: z.string().min(1).max(320).optional(),
    trust: TlsTrust.optional(),
    secret: SecretInput.optional(),
  })
  .strict();

export const MailAccount = z.object({
  id: z.number().int(),
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  security: MailSecurity,
  user: z.string(),
  trust: TlsTrust,
  secret: SecretLocation,
  lastTest: z.object({ at: IsoInstant, ok: z.boolean(), errorCode: z.string().nullable() }).nullable(),
  createdAt: IsoInstant,
});
export type MailAccount = z.infer<typeof MailAccount>;

export const CertificateInfo = z.object({
  subject: z.string(),
  issuer: z.string(),
  fingerprint256: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  selfSigned: z.boolean(),
});
export type CertificateInfo = z.infer<typeof CertificateInfo>;

export const MailTestResult = z.object({
  ok: z.boolean(),
  /** Where the password was read from (or would have been). */
  store: SecretLocation,
  secure: z.boolean(),
  tlsProtocol: z.string().nullable(),
  /** The certificate the server presented: on success, and on a TLS failure so the user can decide to trust it. */
  certificate: CertificateInfo.nullable(),
  capabilities: z.object({ binary: z.boolean(), move: z.boolean() }).nullable(),
  folders: z.array(z.string()),
  error: WireErrorSchema.nullable(),
});
export type MailTestResult = z.infer<typeof MailTestResult>;

export const MailRuleInput = z
  .object({
    name: Name,
    accountId: z.number().int().positive(),
    folder: z.string().trim().min(1).max(1000).default('INBOX'),
    /** Sender addresses or parts of them (case-insensitive; `*` and `?` as wildcards); empty: any sender. */
    senders: z.array(z.string().trim().min(1).max(320)).max(100).default([]),
    /** Subject words (case-insensitive; wildcards as above); empty: any subject. */
    subjects: z.array(z.string().trim().min(1).max(500)).max(100).default([]),
    /** Attachment file-name patterns such as `*.csv`; matched against the decoded name. */
    attachmentPatterns: z.array(z.string().trim().min(1).max(200)).min(1).max(100).default(['*.csv', '*.log', '*.gz', '*.zip']),
    /** Only messages received on or after this day (the server's SINCE). */
    since: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable()
      .default(null),
    /** The dataset the attachments go into (created by the first import). */
    dataset: z.string().trim().min(1).max(128),
    /** After-import actions, off by default. Nothing is ever deleted on the server. */
    markSeen: z.boolean().default(false),
    moveTo: z.string().trim().min(1).max(1000).nullable().default(null),
    /** Attachments larger than this are listed as failures and not downloaded. */
    maxAttachmentMb: z.number().positive().max(100_000).default(100),
  })
  .strict();
export type MailRuleInput = z.input<typeof MailRuleInput>;

export const MailFetchOutcome = z.enum(['imported', 'skipped', 'failed']);
export const MailSkipReason = z.enum(['duplicate_content', 'already_collected']);

/** One matching attachment and what became of it. */
export const MailFetchItem = z.object({
  rule: z.string(),
  ruleId: z.number().int(),
  account: z.string(),
  folder: z.string(),
  uid: z.number().int(),
  messageId: z.string().nullable(),
  sender: z.string().nullable(),
  subject: z.string().nullable(),
  date: IsoInstant.nullable(),
  part: z.string(),
  fileName: z.string(),
  sizeBytes: z.number(),
  outcome: MailFetchOutcome,
  reason: MailSkipReason.nullable(),
  dataset: z.string().nullable(),
  datasetId: DatasetId.nullable(),
  rows: z.number(),
  sourceId: z.number().int().nullable(),
  error: WireErrorSchema.nullable(),
});
export type MailFetchItem = z.infer<typeof MailFetchItem>;

export const MailActionFailure = z.object({
  uid: z.number().int(),
  messageId: z.string().nullable(),
  action: z.enum(['mark_seen', 'move']),
  error: WireErrorSchema,
});

export const MailRunOutcome = z.enum(['ok', 'partial', 'failed', 'cancelled']);

/** What a fetch of one rule did: kept per rule, so a scheduler and the UI can show the last run. */
export const MailRunSummary = z.object({
  runId: z.number().int(),
  ruleId: z.number().int(),
  rule: z.string(),
  startedAt: IsoInstant,
  finishedAt: IsoInstant,
  outcome: MailRunOutcome,
  /** New messages looked at, and of those, messages with a matching attachment. */
  messagesExamined: z.number().int(),
  messagesMatched: z.number().int(),
  attachments: z.number().int(),
  imported: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  rows: z.number(),
  /** IMAP bytes read from the server, and the decoded size of the attachments downloaded. */
  bytesFromServer: z.number(),
  bytesDownloaded: z.number(),
  uidValidityChanged: z.boolean(),
  error: WireErrorSchema.nullable(),
  failures: z.array(MailFetchItem),
  actionFailures: z.array(MailActionFailure),
});
export type MailRunSummary = z.infer<typeof MailRunSummary>;

export const MailFetchResult = MailRunSummary.extend({
  items: z.array(MailFetchItem),
  timings: z.object({ connectMs: z.number(), listMs: z.number(), downloadMs: z.number(), importMs: z.number() }),
});
export type MailFetchResult = z.infer<typeof MailFetchResult>;

export const MailRule = z.object({
  id: z.number().int(),
  name: z.string(),
  accountId: z.number().int(),
  account: z.string(),
  folder: z.string(),
  senders: z.array(z.string()),
  subjects: z.array(z.string()),
  attachmentPatterns: z.array(z.string()),
  since: z.string().nullable(),
  dataset: z.string(),
  markSeen: z.boolean(),
  moveTo: z.string().nullable(),
  maxAttachmentMb: z.number(),
  createdAt: IsoInstant,
  sync: z.object({ folder: z.string(), uidValidity: z.string(), lastUid: z.number() }).nullable(),
  lastRun: MailRunSummary.nullable(),
});
export type MailRule = z.infer<typeof MailRule>;

/** An imported attachment with where it came from. */
export const MailCollectedFile = z.object({
  sourceId: z.number().int(),
  datasetId: DatasetId,
  dataset: z.string(),
  fileName: z.string(),
  rows: z.number(),
  importedAt: IsoInstant,
  account: z.string().nullable(),
  rule: z.string().nullable(),
  folder: z.string().nullable(),
  sender: z.string().nullable(),
  subject: z.string().nullable(),
  date: z.string().nullable(),
  messageId: z.string().nullable(),
  part: z.string().nullable(),
});
export type MailCollectedFile = z.infer<typeof MailCollectedFile>;

/**
 * Where an OAuth2 sign-in goes: a preset (Google; Microsoft 365 with an optional tenant) or
 * any OpenID provider found by discovery from its issuer URL. The organisation registers its
 * own client id with the provider; a secret only where the provider issues one.
 */
export const OAuthSignInInput = z.discriminatedUnion('provider', [
  z
    .object({
      provider: z.literal('google'),
      clientId: z.string().trim().min(1).max(512),
      clientSecret: z.string().trim().min(1).max(512).optional(),
      user: z.string().trim().min(1).max(320),
    })
    .strict(),
  z
    .object({
      provider: z.literal('microsoft'),
      clientId: z.string().trim().min(1).max(512),
      clientSecret: z.string().trim().min(1).max(512).optional(),
      /** A tenant id or domain; default `organizations` (any work or school account). */
      tenant: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.-]{1,100}$/)
        .optional(),
      user: z.string().trim().min(1).max(320),
    })
    .strict(),
  z
    .object({
      provider: z.literal('custom'),
      issuer: z.string().trim().url().max(2000),
      clientId: z.string().trim().min(1).max(512),
      clientSecret: z.string().trim().min(1).max(512).optional(),
      /** Default: `openid offline_access`; mail servers usually want one more of their own. */
      scope: z.string().trim().min(1).max(2000).optional(),
      user: z.string().trim().min(1).max(320),
    })
    .strict(),
  /** Sign in again with the settings of a grant this computer already has (after a revocation). */
  z.object({ provider: z.literal('again'), grant: GrantName }).strict(),
]);
export type OAuthSignInInput = z.infer<typeof OAuthSignInInput>;

export const OAuthSignInStarted = z.object({
  sessionId: z.string(),
  /** The provider's page; the app has opened it in the system browser when `opened`. */
  authorizationUrl: z.string().url(),
  opened: z.boolean(),
});

/** RFC 8628: what the user opens on another device, and the code typed in there. */
export const OAuthDeviceStarted = z.object({
  sessionId: z.string(),
  verificationUri: z.string().url(),
  /** The same page with the code filled in, when the provider offers one. */
  verificationUriComplete: z.string().url().nullable(),
  userCode: z.string(),
  expiresInS: z.number().int(),
});

export const OAuthSignedIn = z.object({
  /** Name the grant is stored under: put it in the account's `secret: { store: 'oauth2', grant }`. */
  grant: z.string(),
  provider: OAuthProviderId,
  /** The mailbox user the sign-in was for (from the ID token when the provider sent one). */
  user: z.string(),
});
export type OAuthSignedIn = z.infer<typeof OAuthSignedIn>;

/**
 * Push collection of one rule while the app or `logscope serve` runs: `live` while a
 * connection idles on the rule's folder, `reconnecting` until `retryAt` after a drop or a
 * failed sign-in, `polling_only` when the server has no IDLE (scheduled fetches only).
 */
export const MailListenerState = z.enum(['connecting', 'live', 'reconnecting', 'polling_only']);
export type MailListenerState = z.infer<typeof MailListenerState>;

export const MailListener = z.object({
  ruleId: z.number().int(),
  rule: z.string(),
  state: MailListenerState,
  retryAt: IsoInstant.nullable(),
  /** Why the last connection ended or could not be made. */
  error: WireErrorSchema.nullable(),
});
export type MailListener = z.infer<typeof MailListener>;

export const mailMethods = {
  /** Whether a secure password store is usable here (which one), and which process owns the data folder. */
  'mail.status': method(
    empty,
    z.object({
      keychain: z.object({ available: z.boolean(), reason: z.string().nullable(), store: SecureStoreInfo.nullable() }),
      ownerKind: OwnerKind,
    }),
  ),
  'mail.accounts.list': method(empty, z.array(MailAccount)),
  'mail.accounts.create': method(MailAccountInput, MailAccount),
  'mail.accounts.update': method(MailAccountUpdate, MailAccount),
  'mail.accounts.remove': method(
    z.object({ id: z.number().int().positive() }).strict(),
    z.object({ removed: z.boolean(), secret: z.enum(['deleted', 'shared', 'file_kept', 'none', 'keychain_unavailable']) }),
  ),
  'mail.accounts.test': method(z.object({ id: z.number().int().positive() }).strict(), MailTestResult),
  'mail.folders.list': method(z.object({ accountId: z.number().int().positive() }).strict(), z.array(z.string())),
  'mail.rules.list': method(empty, z.array(MailRule)),
  'mail.rules.create': method(MailRuleInput, MailRule),
  'mail.rules.remove': method(z.object({ id: z.number().int().positive() }).strict(), z.object({ removed: z.boolean() })),
  'mail.fetch': method(
    z.object({ jobId: z.string().min(1).max(64), ruleId: z.number().int().positive() }).strict(),
    MailFetchResult,
  ),
  /** Starts a browser sign-in (authorization code + PKCE, loopback redirect); `complete` waits for it. */
  'mail.oauth.begin': method(OAuthSignInInput, OAuthSignInStarted),
  /** Starts a device-code sign-in (RFC 8628) for headless servers; `complete` waits for it. */
  'mail.oauth.deviceBegin': method(OAuthSignInInput, OAuthDeviceStarted),
  'mail.oauth.complete': method(z.object({ sessionId: z.string().min(1).max(100) }).strict(), OAuthSignedIn),
  'mail.oauth.cancel': method(z.object({ sessionId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
  /** Push collection per rule; empty where no listener runs (one-shot commands). */
  'mail.listeners': method(empty, z.array(MailListener)),
  'mail.collected': method(
    z
      .object({
        datasetId: DatasetId.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    z.object({ files: z.array(MailCollectedFile), total: z.number().int() }),
  ),
} as const;

export const mailEvents = {
  /** Every listener's status, sent whenever one of them changes. */
  'mail.listeners.changed': z.object({ listeners: z.array(MailListener) }),
  'mail.progress': z.object({
    jobId: z.string(),
    ruleId: z.number().int(),
    rule: z.string(),
    phase: z.enum(['connecting', 'listing', 'downloading', 'importing', 'done']),
    messagesTotal: z.number().int(),
    messagesDone: z.number().int(),
    attachmentsTotal: z.number().int(),
    attachmentsDone: z.number().int(),
    bytesDone: z.number(),
    bytesTotal: z.number(),
    file: z.string().nullable(),
    /** Set when an attachment has just been settled. */
    item: MailFetchItem.nullable(),
  }),
} as const;
