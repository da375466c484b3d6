import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { keychainAccount, type SecretRef, type SecretStore } from '../secrets/secrets';
import type { Handlers } from '../../transport/rpc';
import { AppError } from '../../../shared/api/errors';
import type { Output, ParsedInput } from '../../../shared/api/contract';
import { EngineConnection, type EngineTestResult } from '../../../shared/api/contract/engines';
import { createClickHouseEngine, type ClickHouseEngine } from './clickhouse';
import { pushDataset, type PushProgress } from './push';
import { findDatasetByName } from '../catalog/datasets';

/**
 * The ClickHouse connections of this data folder. Kept as one JSON entry in the catalogue's
 * settings table (a list of a few connections needs no table of its own); the password is
 * in the secret store — the keychain account `clickhouse:USER@HOST:PORT`, or a credentials
 * file — and only its location is stored here.
 */
const storeKey = 'engines:connections';

const Stored = z.array(
  EngineConnection.omit({ secret: true }).extend({
    secret: z.discriminatedUnion('store', [z.object({ store: z.literal('keychain') }), z.object({ store: z.literal('file'), path: z.string() })]),
  }),
);
type StoredConnection = z.infer<typeof Stored>[number];

export function createEngineConnectionService({
  db,
  secrets,
  clock,
  log,
  linkDataset,
}: {
  db: Db;
  secrets: SecretStore;
  clock: Clock;
  log: Logger;
  /** Records that a pushed dataset now lives in the table: its dashboard runs there (datasetEngines). */
  linkDataset?: (datasetId: number, connection: string, table: string) => Promise<void>;
}) {
  async function load(): Promise<StoredConnection[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT value FROM logscope.settings WHERE key = $key`, { key: storeKey });
    if (!rows[0]) return [];
    const parsed = Stored.safeParse(JSON.parse(String(rows[0][0])));
    if (!parsed.success) throw new AppError('config_invalid', { file: 'engine connections', detail: parsed.error.message });
    return parsed.data;
  }

  async function save(connections: StoredConnection[]): Promise<void> {
    const catalog = await db.connection('catalog');
    await catalog.run(
      `INSERT INTO logscope.settings VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      { key: storeKey, value: JSON.stringify(connections) },
    );
  }

  function secretRefOf(c: Pick<StoredConnection, 'url' | 'user' | 'secret'>): SecretRef {
    if (c.secret.store === 'file') return { kind: 'file', path: c.secret.path };
    const url = new URL(c.url);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    return { kind: 'keychain', account: keychainAccount('clickhouse', { user: c.user, host: url.hostname, port }) };
  }

  const toContract = (c: StoredConnection): EngineConnection => {
    const described = secrets.describe(secretRefOf(c));
    return {
      ...c,
      secret: described.store === 'keychain' ? { store: 'keychain', service: described.service, account: described.account } : { store: 'file', path: described.path },
    };
  };

  async function find(name: string): Promise<StoredConnection> {
    const found = (await load()).find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
    if (!found) throw new AppError('engine_not_found', { name });
    return found;
  }

  async function create(input: ParsedInput<'engines.create'>): Promise<EngineConnection> {
    const url = normalisedUrl(input.url);
    const connections = await load();
    if (connections.some((c) => c.name.toLowerCase() === input.name.toLowerCase())) throw new AppError('engine_name_taken', { name: input.name });
    if (input.caFile) await readCa(input.caFile);
    const stored: StoredConnection = {
      name: input.name,
      kind: 'clickhouse',
      url,
      user: input.user,
      database: input.database,
      caFile: input.caFile ?? null,
      secret: input.secret.store === 'file' ? { store: 'file', path: input.secret.path } : { store: 'keychain' },
      createdAt: clock.now().toISOString(),
    };
    const ref = secretRefOf(stored);
    if (input.secret.password !== undefined) await secrets.set(ref, input.secret.password);
    // A credentials file named without a password must exist and be private already.
    else await secrets.get(ref);
    await save([...connections, stored]);
    log.info('engine connection added', { name: stored.name, url: stored.url, store: stored.secret.store });
    return toContract(stored);
  }

  async function remove(name: string): Promise<{ removed: boolean; secret: 'deleted' | 'none' | 'file_kept' | 'keychain_unavailable' }> {
    const found = await find(name);
    let secret: 'deleted' | 'none' | 'file_kept' | 'keychain_unavailable' = 'file_kept';
    if (found.secret.store === 'keychain') {
      try {
        secret = (await secrets.delete(secretRefOf(found))) ? 'deleted' : 'none';
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'keychain_unavailable')) throw error;
        secret = 'keychain_unavailable';
      }
    }
    await save((await load()).filter((c) => c !== found && c.name !== found.name));
    log.info('engine connection removed', { name: found.name, secret });
    return { removed: true, secret };
  }

  /** An engine for the named connection (in another database of its server when named); the caller closes it. */
  async function open(name: string, database?: string): Promise<ClickHouseEngine> {
    const found = await find(name);
    const [password, caCertPem] = await Promise.all([secrets.get(secretRefOf(found)), found.caFile ? readCa(found.caFile) : undefined]);
    return createClickHouseEngine({
      name: found.name,
      url: found.url,
      username: found.user,
      password,
      database: database ?? found.database,
      ...(caCertPem ? { caCertPem } : {}),
    });
  }

  async function test(name: string): Promise<EngineTestResult> {
    const engine = await open(name);
    try {
      const server = await engine.info();
      const tables = await engine.schema();
      return {
        name: engine.name,
        ok: true,
        version: server.version,
        timeZone: server.timeZone,
        readonlyProfile: server.isReadonlyProfile,
        tls: new URL((await find(name)).url).protocol === 'https:',
        tables: tables.length,
        dialect: engine.dialect.label,
      };
    } finally {
      await engine.close();
    }
  }

  async function query(input: ParsedInput<'engines.query'>, signal: AbortSignal): Promise<Output<'engines.query'>> {
    const started = performance.now();
    const engine = await open(input.name);
    try {
      const result = await engine.query(input.sql, { signal, maxRows: input.maxRows, timeoutMs: input.timeoutMs });
      log.debug('engines.query', { name: engine.name, queryId: result.queryId, rows: result.rows.length });
      return { ...result, dialect: engine.dialect.label, elapsedMs: Math.round(performance.now() - started) };
    } finally {
      await engine.close();
    }
  }

  async function push(input: ParsedInput<'engines.push'>, signal: AbortSignal, onProgress?: (progress: PushProgress) => void): Promise<Output<'engines.push'>> {
    const attached = await findDatasetByName(await db.connection('catalog'), input.dataset);
    // Its local table is an empty schema: nothing of the user's table is here to copy.
    if (attached?.engine?.readOnly) throw new AppError('dataset_read_only', { name: attached.name });
    const engine = await open(input.name);
    try {
      const result = await pushDataset({ db, engine, dataset: input.dataset, ...(input.table ? { table: input.table } : {}), signal, ...(onProgress ? { onProgress } : {}) });
      log.info('dataset pushed to engine', { name: engine.name, dataset: input.dataset, ...result });
      const record = await findDatasetByName(await db.connection('catalog'), input.dataset);
      if (record && linkDataset) await linkDataset(record.id, engine.name, result.table);
      return result;
    } finally {
      await engine.close();
    }
  }

  return {
    list: async () => (await load()).map(toContract),
    /** The connection's name as stored (names match without regard to case), or `engine_not_found`. */
    resolve: async (name: string) => (await find(name)).name,
    create,
    remove,
    open,
    test,
    query,
    push,
  };
}

export type EngineConnectionService = ReturnType<typeof createEngineConnectionService>;

/** `http(s)://host[:port]` without a path, query or credentials: anything else is refused, not guessed at. */
export function normalisedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('engine_url_invalid', { url: text });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new AppError('engine_url_invalid', { url: text });
  }
  return `${url.protocol}//${url.host}`;
}

async function readCa(path: string): Promise<string> {
  try {
    const pem = await readFile(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (error) {
    throw new AppError('engine_ca_file_unreadable', { path, message: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
}

/** The contract's engine methods, bound to the service. */
export function createEngineHandlers(
  engines: EngineConnectionService,
): Pick<Handlers, 'engines.list' | 'engines.create' | 'engines.remove' | 'engines.test' | 'engines.query' | 'engines.push'> {
  return {
    'engines.list': () => engines.list(),
    'engines.create': (input) => engines.create(input),
    'engines.remove': (input) => engines.remove(input.name),
    'engines.test': (input) => engines.test(input.name),
    'engines.query': (input, { signal }) => engines.query(input, signal),
    'engines.push': (input, { signal }) => engines.push(input, signal),
  };
}
