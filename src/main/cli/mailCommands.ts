import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../shared/api/errors';
import type { Api } from '../../shared/api/client';
import {
  Fingerprint256,
  mailSecurities,
  type MailAccount,
  type MailFetchItem,
  type MailFetchResult,
  type MailRule,
  type MailSecurity,
  type MailTestResult,
  type OAuthSignInInput,
  type SecureStoreInfo,
  type TlsTrust,
} from '../../shared/api/contract/mail';
import { createTranslator, errorMessage } from '../../shared/i18n/format';
import type { CommandContext } from '../cli';
import { withApi } from './session';
import { jsonLine, textTable } from './output';
import { formatBytes } from './progress';
import { parsePort } from './parse';

/**
 * `logscope account|rule|fetch`: mail collection from a shell, cron or a systemd timer.
 * A password never comes from an argument or the environment: from a prompt that does not
 * echo, or from standard input (`printf %s "$PW" | logscope account add …`).
 */

const t = createTranslator('en');

const collect = (value: string, previous: string[]) => [...previous, value];

function parseFingerprint(value: string): string {
  const parsed = Fingerprint256.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('a SHA-256 fingerprint is 32 bytes in hex, e.g. AB:CD:…');
  return parsed.data;
}

function parseDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidArgumentError('a day is written YYYY-MM-DD');
  return value;
}

function parseMegabytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of megabytes');
  return n;
}

function absolute(value: string): string {
  return path.resolve(value);
}

/**
 * The password, from a terminal without echo, or from standard input when it is not a
 * terminal (one line; its trailing newline is dropped).
 */
export async function readPassword(label: string, stdin: NodeJS.ReadStream = process.stdin, prompt: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (stdin.isTTY) {
    prompt.write(label);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    return new Promise((resolve, reject) => {
      let value: string[] = [];
      const done = () => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        prompt.write('\n');
      };
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            done();
            return resolve(value.join(''));
          }
          if (char === '\u0003') {
            done();
            return reject(new AppError('cancelled'));
          }
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value.push(char);
        }
      };
      stdin.on('data', onData);
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new AppError('invalid_input', { path: 'password', message: 'no password on standard input (pipe it in, or run in a terminal to be asked)' });
  if (/[\r\n]/.test(text)) throw new AppError('invalid_input', { path: 'password', message: 'the password on standard input must be one line' });
  return text;
}

async function accountByName(api: Api, name: string): Promise<MailAccount> {
  const accounts = await api.call('mail.accounts.list', {});
  const found = accounts.find((a) => a.name.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new AppError('mail_account_not_found', { name });
  return found;
}

const storeText = (store: MailTestResult['store']) =>
  store.store === 'keychain' ? `the keychain (service ${store.service}, account ${store.account})` : store.store === 'oauth2' ? `the OAuth2 grant ${store.grant}` : `the credentials file ${store.path}`;

/** The sign-in `account login` asks for: from the flags, or again with the account's grant. */
function signInInput(
  account: MailAccount,
  flags: { provider?: 'microsoft' | 'custom' | 'google'; clientId?: string; tenant?: string; issuer?: string; scope?: string },
): OAuthSignInInput {
  const usage = (message: string) => new AppError('invalid_input', { path: 'login', message });
  if (!flags.provider) {
    if (account.secret.store !== 'oauth2') throw usage(`${account.name} signs in with a password: name a provider (--provider microsoft --client-id ID) to switch it to OAuth2`);
    return { provider: 'again', grant: account.secret.grant };
  }
  if (!flags.clientId) throw usage('--client-id is required with --provider');
  if (flags.provider === 'custom') {
    if (!flags.issuer) throw usage('--issuer is required with --provider custom');
    return { provider: 'custom', issuer: flags.issuer, clientId: flags.clientId, user: account.user, ...(flags.scope ? { scope: flags.scope } : {}) };
  }
  if (flags.provider === 'microsoft') return { provider: 'microsoft', clientId: flags.clientId, user: account.user, ...(flags.tenant ? { tenant: flags.tenant } : {}) };
  return { provider: 'google', clientId: flags.clientId, user: account.user };
}

interface SecureStoreStatus {
  available: boolean;
  reason: string | null;
  store: SecureStoreInfo | null;
}

/** Where `keychain` passwords go in the process that owns the data folder, and why not elsewhere. */
function secureStoreText(status: SecureStoreStatus): string {
  if (status.store?.kind === 'os_keychain') return `the OS keychain (service ${status.store.service})`;
  if (status.store?.kind === 'encrypted_file')
    return `a file encrypted by the app (${status.store.protection}): ${status.store.path} — the OS keychain is not used: ${status.store.keychainReason}`;
  return `none here (${status.reason ?? 'no secure store'}); passwords go to a credentials file (--credentials-file)`;
}

const secureStoreJson = (status: SecureStoreStatus) => ({
  secure_store: status.store?.kind ?? null,
  available: status.available,
  reason: status.reason,
  ...(status.store?.kind === 'encrypted_file' ? { path: status.store.path, protection: status.store.protection, keychain_reason: status.store.keychainReason } : {}),
  ...(status.store?.kind === 'os_keychain' ? { service: status.store.service } : {}),
});

const trustText = (trust: TlsTrust) =>
  trust.kind === 'system' ? 'system' : trust.kind === 'ca_file' ? `CA file ${trust.path}` : `pinned ${trust.fingerprint256}`;

export function accountJson(account: MailAccount) {
  return {
    name: account.name,
    host: account.host,
    port: account.port,
    security: account.security,
    user: account.user,
    trust: account.trust,
    store: account.secret.store,
    ...(account.secret.store === 'keychain' ? { keychain_service: account.secret.service, keychain_account: account.secret.account } : account.secret.store === 'oauth2' ? { oauth2_grant: account.secret.grant } : { credentials_file: account.secret.path }),
    last_test: account.lastTest,
  };
}

export function itemJson(item: MailFetchItem) {
  return {
    type: 'attachment',
    rule: item.rule,
    account: item.account,
    folder: item.folder,
    message_id: item.messageId,
    uid: item.uid,
    sender: item.sender,
    subject: item.subject,
    date: item.date,
    part: item.part,
    file: item.fileName,
    size_bytes: item.sizeBytes,
    outcome: item.outcome,
    reason: item.reason,
    dataset: item.dataset,
    rows: item.rows,
    source_id: item.sourceId,
  };
}

function itemText(item: MailFetchItem): string {
  const where = `${item.rule}: ${item.fileName} (${item.messageId ?? `UID ${item.uid}`})`;
  if (item.outcome === 'imported') return `${where} → ${item.dataset}: ${item.rows.toLocaleString('en-US')} rows\n`;
  if (item.outcome === 'skipped') {
    return `${where} skipped: ${item.reason === 'duplicate_content' ? `the same content is already imported (${item.dataset ?? 'a dataset'})` : 'already collected'}\n`;
  }
  return `${where} failed: ${item.error ? errorMessage(t, item.error as never) : 'unknown'}\n`;
}

function runJson(result: MailFetchResult) {
  return {
    type: 'run',
    rule: result.rule,
    outcome: result.outcome,
    messages_examined: result.messagesExamined,
    messages_matched: result.messagesMatched,
    imported: result.imported,
    skipped: result.skipped,
    failed: result.failed,
    rows: result.rows,
    bytes_from_server: result.bytesFromServer,
    bytes_downloaded: result.bytesDownloaded,
    uid_validity_changed: result.uidValidityChanged,
    action_failures: result.actionFailures.length,
  };
}

export function registerMailCommands(program: Command, context: CommandContext) {
  const session = () => ({ ...context.globals(), log: context.log, say: context.say, signal: context.signal });

  const account = program.command('account').description('mail accounts that log files are collected from (IMAP)');

  account
    .command('add')
    .description('add an IMAP account; the password is read without echo (or from standard input) and goes to the keychain or a credentials file')
    .requiredOption('--host <host>', 'the IMAP server')
    .requiredOption('--user <user>', 'the user name to sign in with')
    .addOption(new Option('--security <mode>', 'tls (implicit, port 993), starttls (port 143), or plain (unencrypted: only on a network you trust)').choices([...mailSecurities]).default('tls'))
    .option('--port <port>', 'the port (default: 993 for tls, 143 otherwise)', parsePort)
    .option('--name <name>', 'what the account is called in Logscope (default: USER@HOST)')
    .addOption(new Option('--ca-file <path>', 'trust the server certificate when it is signed by this CA (PEM)').argParser(absolute).conflicts('pinFingerprint'))
    .option('--pin-fingerprint <sha256>', 'trust exactly the server certificate with this SHA-256 fingerprint (as `account test` shows it)', parseFingerprint)
    .option('--credentials-file <path>', 'keep the password in this file (written with mode 0600) instead of the keychain: for servers without one', absolute)
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx logscope account add --host imap.example.com --user logs@example.com\n' +
        '  $ printf %s "$PASSWORD" | npx logscope account add --host 10.0.0.5 --user logs --pin-fingerprint AB:CD:… --credentials-file ~/.config/logscope/imap.pw',
    )
    .action(
      async (flags: {
        host: string;
        user: string;
        security: MailSecurity;
        port?: number;
        name?: string;
        caFile?: string;
        pinFingerprint?: string;
        credentialsFile?: string;
      }) => {
        if (flags.security === 'plain') context.say('warning: plain IMAP sends the password and every message unencrypted.');
        const password = await readPassword(`Password for ${flags.user} at ${flags.host}: `);
        const trust: TlsTrust = flags.caFile
          ? { kind: 'ca_file', path: flags.caFile }
          : flags.pinFingerprint
            ? { kind: 'pinned', fingerprint256: flags.pinFingerprint }
            : { kind: 'system' };
        await withApi(session(), async (api) => {
          const created = await api
            .call('mail.accounts.create', {
            ...(flags.name ? { name: flags.name } : {}),
            host: flags.host,
            ...(flags.port ? { port: flags.port } : {}),
            security: flags.security,
            user: flags.user,
            trust,
            secret: flags.credentialsFile ? { store: 'file', path: flags.credentialsFile, password } : { store: 'keychain', password },
            })
            .catch((error: unknown) => {
              if (error instanceof AppError && error.code === 'keychain_unavailable') {
                context.say('hint: keep the password in a file only you can read instead: add --credentials-file PATH (written with mode 0600).');
              }
              throw error;
            });
          if (context.globals().json) context.out(jsonLine(accountJson(created)));
          else
            context.out(
              `Added account ${created.name} (${created.user} at ${created.host}:${created.port}, ${created.security}); password in ${storeText(created.secret)}.\n` +
                `Check it with: logscope account test ${JSON.stringify(created.name)}\n`,
            );
        });
      },
    );

  account
    .command('password')
    .description('set or replace the password of an account (read without echo, or from standard input)')
    .argument('<name>', 'the account')
    .option('--credentials-file <path>', 'keep it in this file (mode 0600) instead of the keychain', absolute)
    .addHelpText('after', '\nExamples (after `logscope config import` on a new machine):\n  $ npx logscope account password logs@example.com\n  $ printf %s "$PASSWORD" | npx logscope account password logs@example.com --credentials-file ~/.config/logscope/imap.pw')
    .action(async (name: string, flags: { credentialsFile?: string }) => {
      const password = await readPassword(`New password for ${name}: `);
      await withApi(session(), async (api) => {
        const found = await accountByName(api, name);
        const updated = await api.call('mail.accounts.update', {
          id: found.id,
          secret: flags.credentialsFile ? { store: 'file', path: flags.credentialsFile, password } : { store: 'keychain', password },
        });
        if (context.globals().json) context.out(jsonLine(accountJson(updated)));
        else context.out(`Password of ${updated.name} stored in ${storeText(updated.secret)}.\n`);
      });
    });

  account
    .command('login')
    .description('sign an account in with OAuth2 on a server without a browser: the device-code flow (RFC 8628) prints an address and a code to enter on any device')
    .argument('<name>', 'the account')
    .addOption(new Option('--provider <provider>', 'where to sign in (default: the provider of the account\'s current sign-in)').choices(['microsoft', 'custom', 'google']))
    .option('--client-id <id>', 'the client id your organisation registered with the provider')
    .option('--tenant <tenant>', 'Microsoft 365: a tenant id or domain (default: organizations)')
    .option('--issuer <url>', 'custom: the OpenID issuer URL (its configuration names the device endpoint)')
    .option('--scope <scope>', 'custom: the scopes to ask for (default: openid offline_access)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx logscope account login logs@example.com --provider microsoft --client-id 00000000-0000-0000-0000-000000000000\n' +
        '  $ npx logscope account login logs@example.com   # again, after "sign in again"\n' +
        'Google offers no device-code sign-in for mail: sign in in the app and copy the grant file instead.',
    )
    .action(async (name: string, flags: { provider?: 'microsoft' | 'custom' | 'google'; clientId?: string; tenant?: string; issuer?: string; scope?: string }) => {
      await withApi(session(), async (api) => {
        const found = await accountByName(api, name);
        const input = signInInput(found, flags);
        const started = await api.call('mail.oauth.deviceBegin', input, { signal: context.signal });
        context.say(
          `To sign in ${found.user}, open ${started.verificationUri} on any device and enter the code ${started.userCode}` +
            ` (within ${Math.max(1, Math.round(started.expiresInS / 60))} minutes).` +
            (started.verificationUriComplete ? `\nOr open: ${started.verificationUriComplete}` : '') +
            '\nWaiting for the sign-in…',
        );
        const signedIn = await api.call('mail.oauth.complete', { sessionId: started.sessionId }, { signal: context.signal });
        const updated =
          found.secret.store === 'oauth2' && found.secret.grant === signedIn.grant
            ? found
            : await api.call('mail.accounts.update', { id: found.id, secret: { store: 'oauth2', grant: signedIn.grant } });
        if (context.globals().json) context.out(jsonLine({ ...accountJson(updated), signed_in_as: signedIn.user }));
        else context.out(`Signed in ${updated.name} as ${signedIn.user}; the sign-in is kept in ${storeText(updated.secret)}.\n`);
      });
    });

  account
    .command('test')
    .description('connect and sign in, and say plainly what worked and which password store was used')
    .argument('<name>', 'the account')
    .addHelpText('after', '\nExample:\n  $ npx logscope account test logs@example.com --json')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const found = await accountByName(api, name);
        const result = await api.call('mail.accounts.test', { id: found.id }, { signal: context.signal });
        const json = {
          account: found.name,
          ok: result.ok,
          store: result.store.store,
          ...(result.store.store === 'keychain' ? { keychain_account: result.store.account } : result.store.store === 'oauth2' ? { oauth2_grant: result.store.grant } : { credentials_file: result.store.path }),
          secure: result.secure,
          tls_protocol: result.tlsProtocol,
          binary: result.capabilities?.binary ?? null,
          folders: result.folders,
          certificate: result.certificate,
        };
        if (!result.ok) {
          if (!context.globals().json) {
            context.out(`${found.name}: the test failed. Password from ${storeText(result.store)}.\n`);
            if (result.certificate) {
              context.out(
                `The server presented: ${result.certificate.subject}, issued by ${result.certificate.issuer}, valid ${result.certificate.validFrom} to ${result.certificate.validTo}\n` +
                  `SHA-256 fingerprint: ${result.certificate.fingerprint256}\n` +
                  'If this is your server’s certificate, remove and add the account again with --pin-fingerprint <that fingerprint> (or --ca-file).\n',
              );
            }
          }
          context.fail(new AppError(result.error!.code as never, result.error!.params as never), context.globals().json ? json : undefined);
          return;
        }
        if (context.globals().json) {
          context.out(jsonLine(json));
          return;
        }
        context.out(
          `${found.name}: OK. Connected to ${found.host}:${found.port} ${result.secure ? `over ${result.tlsProtocol ?? 'TLS'}` : 'WITHOUT encryption (plain IMAP)'} and signed in as ${found.user}; ${result.folders.length} folders.\n` +
            `Password from ${storeText(result.store)}.\n` +
            (result.capabilities?.binary
              ? 'The server offers IMAP BINARY: attachments download as raw bytes, without base64.\n'
              : 'The server does not offer IMAP BINARY: attachments download base64-encoded (about 37% more data).\n') +
            (result.certificate ? `Certificate: ${result.certificate.subject}, SHA-256 ${result.certificate.fingerprint256} (trust: ${trustText(found.trust)}).\n` : ''),
        );
      });
    });

  account
    .command('list')
    .description('list the mail accounts (never their passwords)')
    .addHelpText('after', '\nExample:\n  $ npx logscope account list --json')
    .action(async () => {
      await withApi(session(), async (api) => {
        const accounts = await api.call('mail.accounts.list', {});
        if (context.globals().json) {
          for (const a of accounts) context.out(jsonLine(accountJson(a)));
          return;
        }
        const { keychain } = await api.call('mail.status', {});
        context.out(`Secure password store: ${secureStoreText(keychain)}.\n`);
        if (accounts.length === 0) {
          context.out('No mail accounts. Add one with: logscope account add --host HOST --user USER\n');
          return;
        }
        context.out(
          textTable(
            ['name', 'server', 'security', 'user', 'password in', 'certificate', 'last test'].map((name) => ({ name, type: '' })),
            accounts.map((a) => [
              a.name,
              `${a.host}:${a.port}`,
              a.security,
              a.user,
              a.secret.store === 'keychain' ? 'keychain' : a.secret.store === 'oauth2' ? `oauth2 ${a.secret.grant}` : a.secret.path,
              trustText(a.trust),
              a.lastTest ? `${a.lastTest.ok ? 'ok' : a.lastTest.errorCode} ${a.lastTest.at}` : 'never',
            ]),
            60,
          ),
        );
      });
    });

  account
    .command('store')
    .description('say where passwords stored "in the keychain" go here (OS keychain, encrypted file, or none) and why')
    .addHelpText('after', '\nExample:\n  $ npx logscope account store --json')
    .action(async () => {
      await withApi(session(), async (api) => {
        const { keychain } = await api.call('mail.status', {});
        if (context.globals().json) context.out(jsonLine(secureStoreJson(keychain)));
        else context.out(`Secure password store: ${secureStoreText(keychain)}.\n`);
      });
    });

  account
    .command('remove')
    .description('remove an account and its keychain entry (a credentials file is left in place)')
    .argument('<name>', 'the account')
    .addHelpText('after', '\nExample:\n  $ npx logscope account remove logs@example.com')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const found = await accountByName(api, name);
        const result = await api.call('mail.accounts.remove', { id: found.id });
        if (context.globals().json) context.out(jsonLine({ account: found.name, removed: result.removed, secret: result.secret }));
        else {
          const secret = {
            deleted: 'its password was deleted from the keychain',
            shared: 'its keychain entry stays: another account uses it',
            file_kept: `the credentials file ${found.secret.store === 'file' ? found.secret.path : ''} was left in place`,
            none: 'there was no password in the keychain',
            keychain_unavailable: 'the keychain could not be reached, so its entry may remain there',
          }[result.secret];
          context.out(`Removed account ${found.name}; ${secret}.\n`);
        }
      });
    });

  const rule = program.command('rule').description('collection rules: which messages and attachments go into which dataset');

  rule
    .command('add')
    .description('add a collection rule')
    .argument('<name>', 'the rule name')
    .requiredOption('--account <name>', 'the mail account')
    .requiredOption('--dataset <name>', 'the dataset the attachments go into (created by the first import)')
    .option('--folder <folder>', 'the folder to look in', 'INBOX')
    .option('--from <pattern>', 'a sender address or part of it (repeat for several; default: any sender)', collect, [])
    .option('--subject <pattern>', 'a word of the subject; * and ? are wildcards (repeat for several; default: any subject)', collect, [])
    .option('--attachment <pattern>', 'attachment file names to take (repeat; default: *.csv *.log *.gz *.zip)', collect, [])
    .option('--since <day>', 'only messages received on or after this day (YYYY-MM-DD)', parseDay)
    .option('--mark-seen', 'mark a message as read once its attachments are imported')
    .option('--move-to <folder>', 'move a message to this folder once its attachments are imported (nothing is ever deleted)')
    .option('--max-size-mb <mb>', 'attachments larger than this are listed and not downloaded', parseMegabytes, 100)
    .addHelpText(
      'after',
      '\nExample:\n  $ npx logscope rule add nightly --account logs@example.com --from server01.example.com --attachment "*.csv" --attachment "*.gz" --dataset access --since 2025-01-01',
    )
    .action(
      async (
        name: string,
        flags: {
          account: string;
          dataset: string;
          folder: string;
          from: string[];
          subject: string[];
          attachment: string[];
          since?: string;
          markSeen?: boolean;
          moveTo?: string;
          maxSizeMb: number;
        },
      ) => {
        await withApi(session(), async (api) => {
          const found = await accountByName(api, flags.account);
          const created = await api.call('mail.rules.create', {
            name,
            accountId: found.id,
            folder: flags.folder,
            senders: flags.from,
            subjects: flags.subject,
            ...(flags.attachment.length ? { attachmentPatterns: flags.attachment } : {}),
            since: flags.since ?? null,
            dataset: flags.dataset,
            markSeen: Boolean(flags.markSeen),
            moveTo: flags.moveTo ?? null,
            maxAttachmentMb: flags.maxSizeMb,
          });
          if (context.globals().json) context.out(jsonLine(ruleJson(created)));
          else context.out(`Added rule ${created.name}: ${describeRule(created)}.\nFetch it with: logscope fetch --rule ${JSON.stringify(created.name)}\n`);
        });
      },
    );

  rule
    .command('list')
    .description('list the collection rules with their last fetch')
    .addHelpText('after', '\nExample:\n  $ npx logscope rule list --json')
    .action(async () => {
      await withApi(session(), async (api) => {
        const rules = await api.call('mail.rules.list', {});
        if (context.globals().json) {
          for (const r of rules) context.out(jsonLine(ruleJson(r)));
          return;
        }
        if (rules.length === 0) {
          context.out('No collection rules. Add one with: logscope rule add NAME --account ACCOUNT --dataset DATASET\n');
          return;
        }
        context.out(
          textTable(
            ['name', 'takes', 'last fetch'].map((n) => ({ name: n, type: '' })),
            rules.map((r) => [
              r.name,
              describeRule(r),
              r.lastRun ? `${r.lastRun.finishedAt} ${r.lastRun.outcome}: ${r.lastRun.imported} imported, ${r.lastRun.failed} failed` : 'never',
            ]),
            90,
          ),
        );
      });
    });

  rule
    .command('remove')
    .description('remove a collection rule (what it imported stays in its dataset)')
    .argument('<name>', 'the rule')
    .addHelpText('after', '\nExample:\n  $ npx logscope rule remove nightly')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const found = (await api.call('mail.rules.list', {})).find((r) => r.name.toLowerCase() === name.trim().toLowerCase());
        if (!found) throw new AppError('mail_rule_not_found', { name });
        await api.call('mail.rules.remove', { id: found.id });
        if (context.globals().json) context.out(jsonLine({ rule: found.name, removed: true }));
        else context.out(`Removed rule ${found.name}; its data stays in ${found.dataset}.\n`);
      });
    });

  program
    .command('fetch')
    .description('fetch every matching attachment not imported before, for one rule or all of them')
    .option('--rule <name>', 'only this rule (default: every rule)')
    .addHelpText('after', '\nExamples:\n  $ npx logscope fetch\n  $ npx logscope fetch --rule nightly --json')
    .action(async (flags: { rule?: string }) => {
      const json = Boolean(context.globals().json);
      await withApi(session(), async (api) => {
        const rules = await api.call('mail.rules.list', {});
        const chosen = flags.rule ? rules.filter((r) => r.name.toLowerCase() === flags.rule!.trim().toLowerCase()) : rules;
        if (flags.rule && chosen.length === 0) throw new AppError('mail_rule_not_found', { name: flags.rule });
        if (chosen.length === 0) {
          context.say('No collection rules: add one with `logscope rule add`.');
          return;
        }
        const line = createFetchProgress(process.stderr);
        for (const r of chosen) {
          const jobId = randomUUID();
          let printed = 0;
          const print = (item: MailFetchItem) => {
            printed++;
            if (item.outcome === 'failed') {
              line.clear();
              context.fail(new AppError(item.error!.code as never, item.error!.params as never), json ? itemJson(item) : undefined);
              if (!json) context.out(itemText(item));
              return;
            }
            line.clear();
            context.out(json ? jsonLine(itemJson(item)) : itemText(item));
          };
          const stop = api.on('mail.progress', (p) => {
            if (p.jobId !== jobId) return;
            if (p.item) print(p.item);
            else line.update(p);
          });
          let result: MailFetchResult;
          try {
            result = await api.call('mail.fetch', { jobId, ruleId: r.id }, { signal: context.signal });
          } finally {
            stop();
            line.clear();
          }
          // Items whose events did not arrive (none over a local call; a safety net over a socket).
          for (const item of result.items.slice(printed)) print(item);
          for (const failure of result.actionFailures) {
            context.fail(new AppError(failure.error.code as never, failure.error.params as never), json ? { type: 'action', rule: r.name, message_id: failure.messageId, uid: failure.uid, action: failure.action } : undefined);
          }
          if (result.error) context.fail(new AppError(result.error.code as never, result.error.params as never), json ? { ...runJson(result) } : undefined);
          if (json) {
            if (!result.error) context.out(jsonLine(runJson(result)));
          } else {
            context.out(
              `${r.name}: ${result.outcome === 'ok' ? 'done' : result.outcome}; ${result.imported} imported (${result.rows.toLocaleString('en-US')} rows), ${result.skipped} skipped, ${result.failed} failed; ` +
                `${result.messagesExamined} new messages, ${formatBytes(result.bytesDownloaded)} of attachments downloaded.\n`,
            );
          }
        }
      });
    });
}

function describeRule(r: { folder: string; account: string; senders: string[]; subjects: string[]; attachmentPatterns: string[]; since: string | null; dataset: string; markSeen: boolean; moveTo: string | null }): string {
  return [
    `${r.attachmentPatterns.join(' ')} from ${r.folder} of ${r.account}`,
    r.senders.length ? `sent by ${r.senders.join(' or ')}` : null,
    r.subjects.length ? `subject ${r.subjects.join(' or ')}` : null,
    r.since ? `since ${r.since}` : null,
    `into ${r.dataset}`,
    r.markSeen ? 'then marked read' : null,
    r.moveTo ? `then moved to ${r.moveTo}` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

export function ruleJson(r: MailRule) {
  return {
    name: r.name,
    account: r.account,
    folder: r.folder,
    senders: r.senders,
    subjects: r.subjects,
    attachments: r.attachmentPatterns,
    since: r.since,
    dataset: r.dataset,
    mark_seen: r.markSeen,
    move_to: r.moveTo,
    max_size_mb: r.maxAttachmentMb,
    uid_validity: r.sync?.uidValidity ?? null,
    last_uid: r.sync?.lastUid ?? null,
    last_run: r.lastRun
      ? { finished_at: r.lastRun.finishedAt, outcome: r.lastRun.outcome, imported: r.lastRun.imported, skipped: r.lastRun.skipped, failed: r.lastRun.failed, rows: r.lastRun.rows }
      : null,
  };
}

/** A one-line progress bar on a terminal; nothing when stderr is piped (cron). */
function createFetchProgress(stream: NodeJS.WriteStream) {
  const enabled = Boolean(stream.isTTY);
  let shown = false;
  return {
    update(p: { rule: string; phase: string; attachmentsDone: number; attachmentsTotal: number; bytesDone: number; bytesTotal: number; file: string | null }) {
      if (!enabled) return;
      const share = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
      const width = 20;
      const filled = Math.round(share * width);
      const text = `${p.rule} ${p.phase} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${p.attachmentsDone}/${p.attachmentsTotal} ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} ${p.file ?? ''}`;
      stream.write(`\r${text.slice(0, (stream.columns ?? 100) - 1)}\x1b[K`);
      shown = true;
    },
    clear() {
      if (enabled && shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
