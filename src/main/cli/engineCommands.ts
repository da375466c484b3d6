import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Cell, ColumnInfo } from '../../shared/api/contract';
import type { EngineConnection } from '../../shared/api/contract/engines';
import { AppError } from '../../shared/api/errors';
import { DurationUnit, type Roles } from '../../shared/charts/spec';
import type { CommandContext } from '../cli';
import { readPassword } from './mailCommands';
import { withApi } from './session';
import { csvLine, jsonLine, textTable } from './output';

/**
 * `logscope engine add|test|remove|list|tables|attach|detach`: connections to ClickHouse servers, and their tables attached read-only. As with mail
 * accounts, the password is read without echo (or from standard input), never from an
 * argument, and goes to the keychain or a credentials file.
 */

const absolute = (value: string) => path.resolve(value);

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

/** Role names of `--role`, with the words a log's columns are often called by. */
const roleNames = ['time', 'duration', 'status', 'level', 'endpoint', 'method', 'client', 'user', 'message'] as const;
const roleAliases: Record<string, (typeof roleNames)[number]> = { latency: 'duration', path: 'endpoint' };

/** `time=ts`, `latency=took_ms:ms`, `level=` (none): one `--role`, added to those before it. */
export function roleAssignment(text: string, before: Partial<Roles> = {}): Partial<Roles> {
  const match = /^([a-z]+)=(.*)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`expected ROLE=COLUMN, got "${text}"`);
  const role = roleAliases[match[1]!] ?? roleNames.find((r) => r === match[1]);
  if (!role) throw new InvalidArgumentError(`no role "${match[1]}": one of ${roleNames.join(', ')} (or latency, path)`);
  const value = match[2]!;
  if (role !== 'duration') return { ...before, [role]: value ? [value] : null };
  const [column, unitText = 'ms'] = value.split(':');
  const unit = DurationUnit.safeParse(unitText);
  if (!unit.success) throw new InvalidArgumentError(`no duration unit "${unitText}": ns, us, ms or s`);
  return { ...before, duration: column ? { column: [column], unit: unit.data } : null };
}

const roleText = (roles: Roles) =>
  roleNames
    .map((role) => {
      const value = roles[role];
      if (value === null) return null;
      return `${role}=${'column' in value ? `${value.column.join('.')}:${value.unit}` : value.join('.')}`;
    })
    .filter((part) => part !== null)
    .join(', ');

const rowObject = (columns: readonly ColumnInfo[], row: readonly Cell[]): Record<string, Cell> =>
  Object.fromEntries(columns.map((column, i) => [column.name, row[i] ?? null]));

const storeText = (secret: EngineConnection['secret']) =>
  secret.store === 'keychain' ? `the keychain (service ${secret.service}, account ${secret.account})` : `the credentials file ${secret.path}`;

const connectionJson = (c: EngineConnection) => ({
  name: c.name,
  kind: c.kind,
  url: c.url,
  user: c.user,
  database: c.database,
  ca_file: c.caFile,
  store: c.secret.store,
  ...(c.secret.store === 'keychain' ? { keychain_account: c.secret.account } : { credentials_file: c.secret.path }),
  created_at: c.createdAt,
});

export function registerEngineCommands(program: Command, context: CommandContext) {
  const session = () => ({ ...context.globals(), log: context.log, say: context.say, signal: context.signal });
  const engine = program.command('engine').description('query engines beyond the embedded database: connections to ClickHouse servers');

  engine
    .command('add')
    .description('add a ClickHouse connection; the password is read without echo (or from standard input) and goes to the keychain or a credentials file')
    .argument('<name>', 'what the connection is called in Logscope (letters, digits, - and _)')
    .requiredOption('--url <url>', 'the HTTP interface: http://host:8123 or https://host:8443 (TLS, certificate verified)')
    .requiredOption('--user <user>', 'the ClickHouse user')
    .option('--database <name>', 'the database to use', 'default')
    .option('--ca-file <path>', 'trust the server certificate when it is signed by this CA (PEM)', absolute)
    .option('--credentials-file <path>', 'keep the password in this file (written with mode 0600) instead of the keychain: for servers without one', absolute)
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx logscope engine add team --url https://clickhouse.example.com:8443 --user analyst\n' +
        '  $ printf %s "$PASSWORD" | npx logscope engine add lab --url http://10.0.0.7:8123 --user logs --credentials-file ~/.config/logscope/clickhouse.pw',
    )
    .action(async (name: string, flags: { url: string; user: string; database: string; caFile?: string; credentialsFile?: string }) => {
      if (flags.url.startsWith('http://') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(flags.url)) {
        context.say('warning: http:// sends the password and every result unencrypted; use https:// beyond this computer.');
      }
      const password = await readPassword(`Password for ${flags.user} at ${flags.url}: `);
      await withApi(session(), async (api) => {
        const created = await api.call('engines.create', {
          name,
          url: flags.url,
          user: flags.user,
          database: flags.database,
          ...(flags.caFile ? { caFile: flags.caFile } : {}),
          secret: flags.credentialsFile ? { store: 'file', path: flags.credentialsFile, password } : { store: 'keychain', password },
        });
        if (context.globals().json) context.out(jsonLine(connectionJson(created)));
        else
          context.out(
            `Added engine ${created.name} (${created.user} at ${created.url}, database ${created.database}); password in ${storeText(created.secret)}.\n` +
              `Check it with: logscope engine test ${created.name}\n`,
          );
      });
    });

  engine
    .command('test')
    .description('connect and sign in; say the server version, zone, whether the user is read-only, and the SQL it runs')
    .argument('<name>', 'the connection')
    .addHelpText('after', '\nExample:\n  $ npx logscope engine test team --json')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const result = await api.call('engines.test', { name }, { signal: context.signal });
        if (context.globals().json) {
          context.out(
            jsonLine({
              name: result.name,
              ok: result.ok,
              version: result.version,
              time_zone: result.timeZone,
              readonly_profile: result.readonlyProfile,
              tls: result.tls,
              tables: result.tables,
              dialect: result.dialect,
            }),
          );
        } else {
          context.out(
            `Connected to ${result.name}: ClickHouse ${result.version} (${result.tls ? 'TLS, certificate verified' : 'unencrypted'}), zone ${result.timeZone}, ${result.tables} tables; queries run in ${result.dialect}, read-only.\n` +
              (result.readonlyProfile ? 'This user’s profile is read-only (readonly=1): the server refuses writes and per-query limits.\n' : ''),
          );
        }
      });
    });

  engine
    .command('query')
    .description("run one read-only query on the server, in its own SQL (ClickHouse's, not DuckDB's); Ctrl+C kills it on the server")
    .argument('<name>', 'the connection')
    .argument('<sql>', 'one SELECT (or SHOW, DESCRIBE, EXISTS): the server refuses anything that writes')
    .option('--max-rows <n>', 'rows returned at most; a longer result is cut and says so', positiveInteger, 1000)
    .option('--timeout <seconds>', 'the server stops the query after this long', positiveInteger, 60)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ npx logscope engine query team "SELECT status, count() FROM access GROUP BY status ORDER BY status"\n  $ npx logscope engine query team "SHOW TABLES" --json')
    .action(async (name: string, sql: string, flags: { maxRows: number; timeout: number; format: 'table' | 'csv' | 'json' }) => {
      const format = context.globals().json ? 'json' : flags.format;
      await withApi(session(), async (api) => {
        const result = await api.call('engines.query', { name, sql, maxRows: flags.maxRows, timeoutMs: flags.timeout * 1000 }, { signal: context.signal });
        if (format === 'table') context.out(textTable(result.columns, result.rows));
        else if (format === 'csv') context.out(csvLine(result.columns.map((c) => c.name)) + result.rows.map((row) => csvLine(row)).join(''));
        else context.out(result.rows.map((row) => jsonLine(rowObject(result.columns, row))).join(''));
        if (result.truncated) context.say(`note: the result was cut at ${flags.maxRows} rows (--max-rows).`);
        if (format === 'table') context.say(`${result.rows.length} rows in ${result.elapsedMs} ms (${result.dialect}, read-only, query id ${result.queryId})`);
      });
    });

  engine
    .command('push')
    .description('copy a dataset into a ClickHouse table (MergeTree, ordered by its time); rows already there are skipped, so pushing again adds only new rows')
    .argument('<name>', 'the connection (its user needs the right to create tables and insert)')
    .requiredOption('--dataset <dataset>', 'the dataset to copy')
    .option('--table <table>', 'the table on the server (default: the dataset name)')
    .addHelpText('after', '\nExample:\n  $ npx logscope engine push team --dataset access')
    .action(async (name: string, flags: { dataset: string; table?: string }) => {
      await withApi(session(), async (api) => {
        const result = await api.call('engines.push', { name, dataset: flags.dataset, ...(flags.table ? { table: flags.table } : {}) }, { signal: context.signal });
        if (context.globals().json) context.out(jsonLine({ name, dataset: flags.dataset, table: result.table, rows: result.rows, duplicates: result.duplicates, without_time: result.withoutTime }));
        else
          context.out(
            `Pushed ${result.rows} rows of ${flags.dataset} to ${name} (table ${result.table}); ${result.duplicates} already there.\n` +
              (result.withoutTime > 0 ? `${result.withoutTime} rows without a readable time stay in the local dataset only.\n` : ''),
          );
      });
    });

  engine
    .command('tables')
    .description("list the server's tables (outside its system databases) that could be attached, with their columns")
    .argument('<name>', 'the connection')
    .addHelpText('after', '\nExample:\n  $ npx logscope engine tables team')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const tables = await api.call('engines.tables', { name }, { signal: context.signal });
        if (context.globals().json) {
          for (const t of tables) context.out(jsonLine({ database: t.database, table: t.table, engine: t.engine, columns: t.columns }));
          return;
        }
        const columns = ['table', 'engine', 'columns'].map((n) => ({ name: n, type: 'VARCHAR' }));
        context.out(textTable(columns, tables.map((t) => [`${t.database}.${t.table}`, t.engine, t.columns.map((c) => `${c.name} ${c.type}`).join(', ')])));
      });
    });

  engine
    .command('attach')
    .description('make a dataset of a table that already holds logs, read-only: Logscope reads it there and never imports into it, deletes from it or writes to it')
    .argument('<name>', 'the connection (a read-only user is enough)')
    .requiredOption('--table <database.table>', "the table on the server (without a database: the connection's)")
    .requiredOption('--dataset <dataset>', 'what the dataset is called in Logscope')
    .option('--role <role=column>', 'a column role (time, level, message, status, latency=col:ms, path, method, client, user; "level=" for none); repeat it; the rest are detected', (value: string, before: Partial<Roles>) => roleAssignment(value, before), {})
    .addHelpText('after', '\nExample:\n  $ npx logscope engine attach team --table logs.access --dataset access --role time=ts --role latency=took_ms:ms')
    .action(async (name: string, flags: { table: string; dataset: string; role: Partial<Roles> }) => {
      await withApi(session(), async (api) => {
        const dot = flags.table.indexOf('.');
        const database = dot > 0 ? flags.table.slice(0, dot) : (await api.call('engines.list', {})).find((c) => c.name.toLowerCase() === name.trim().toLowerCase())?.database;
        if (database === undefined) throw new AppError('engine_not_found', { name });
        const table = dot > 0 ? flags.table.slice(dot + 1) : flags.table;
        const roles = Object.keys(flags.role).length > 0 ? { roles: flags.role } : {};
        const result = await api.call('engines.attach', { name, database, table, dataset: flags.dataset, ...roles }, { signal: context.signal });
        if (context.globals().json) {
          context.out(jsonLine({ name, dataset: result.dataset, database, table, rows: result.rows, time_min: result.timeMin, time_max: result.timeMax, read_only: true, roles: result.roles }));
        } else {
          const range = result.timeMin && result.timeMax ? `, ${result.timeMin} to ${result.timeMax}` : '';
          context.out(`Attached ${database}.${table} on ${name} as dataset ${result.dataset} (${result.rows} rows${range}), read-only.\nRoles: ${roleText(result.roles) || 'none'}\n`);
        }
      });
    });

  engine
    .command('detach')
    .description("forget an attached table: only Logscope's record goes, the table and its rows stay on the server")
    .argument('<name>', 'the connection')
    .requiredOption('--dataset <dataset>', 'the attached dataset')
    .action(async (name: string, flags: { dataset: string }) => {
      await withApi(session(), async (api) => {
        const found = (await api.call('datasets.list', {})).find((d) => d.name.toLowerCase() === flags.dataset.toLowerCase());
        if (!found) throw new AppError('dataset_not_found', { name: flags.dataset });
        if (!found.readOnly || found.engine?.toLowerCase() !== name.trim().toLowerCase()) {
          throw new AppError('invalid_input', { path: 'dataset', message: `${found.name} is not a table attached from ${name}` });
        }
        await api.call('datasets.delete', { datasetId: found.id });
        if (context.globals().json) context.out(jsonLine({ name, dataset: found.name, detached: true }));
        else context.out(`Detached ${found.name}; its table on ${name} is unchanged.\n`);
      });
    });

  engine
    .command('list')
    .description('list the engine connections')
    .action(async () => {
      await withApi(session(), async (api) => {
        const connections = await api.call('engines.list', {});
        if (context.globals().json) {
          for (const c of connections) context.out(jsonLine(connectionJson(c)));
          return;
        }
        if (connections.length === 0) {
          context.out('No engine connections. Add one with: logscope engine add NAME --url URL --user USER\n');
          return;
        }
        const columns = ['name', 'url', 'user', 'database', 'password'].map((n) => ({ name: n, type: 'VARCHAR' }));
        context.out(textTable(columns, connections.map((c) => [c.name, c.url, c.user, c.database, c.secret.store === 'keychain' ? 'keychain' : c.secret.path])));
      });
    });

  engine
    .command('remove')
    .description('remove a connection and its keychain entry (a credentials file is left in place; nothing on the server changes)')
    .argument('<name>', 'the connection')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const result = await api.call('engines.remove', { name });
        if (context.globals().json) context.out(jsonLine({ name, removed: result.removed, secret: result.secret }));
        else {
          const secret = {
            deleted: 'its password was deleted from the keychain',
            none: 'there was no password in the keychain',
            file_kept: 'its credentials file was left in place',
            keychain_unavailable: 'the keychain could not be reached, so its entry may remain there',
          }[result.secret];
          context.out(`Removed engine ${name}; ${secret}.\n`);
        }
      });
    });
}
