import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { jsonLines, runCli } from './support/cli';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// Connections to ClickHouse: stored settings, the password in a credentials file or the
// keychain (run under scripts/with-keyring.sh), TLS verified against a private CA. The
// server is a real 18.16 with HTTP and HTTPS listeners.

let certDir: string;
let cert: TestCertificate;
let server: ClickHouseServer;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-engine-cert-'));
  cert = await createTestCertificate(certDir);
  server = await startClickHouse({ cert });
  await server.exec(`CREATE TABLE events (t DateTime('UTC'), msg String) ENGINE = MergeTree ORDER BY t`);
});

afterAll(async () => {
  await server?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('engine connections through the API', () => {
  const dataDir = tempDataDir('logscope-engines-');
  let core: AppCore;
  let api: Api;
  beforeAll(async () => {
    core = await openOwnedCore(dataDir);
    api = createLocalApi(core.rpc, core.events);
  });
  afterAll(async () => core?.dispose());

  it('When a connection is added with a credentials file, Then the file is private, the list shows no password and test connects', async () => {
    const file = join(dataDir, 'ch.pw');
    const created = await api.call('engines.create', {
      name: 'lab',
      url: `${server.url}/`,
      user: server.reader.user,
      secret: { store: 'file', path: file, password: server.reader.password },
    });
    expect(created).toMatchObject({ name: 'lab', kind: 'clickhouse', url: server.url, database: 'default', caFile: null, secret: { store: 'file', path: file } });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(server.reader.password);
    const listed = await api.call('engines.list', {});
    expect(listed.map((c) => c.name)).toEqual(['lab']);
    expect(JSON.stringify(listed)).not.toContain(server.reader.password);
    const tested = await api.call('engines.test', { name: 'lab' });
    expect(tested).toMatchObject({ ok: true, version: expect.stringMatching(/^\d+\./), readonlyProfile: true, tls: false, tables: 1, dialect: 'ClickHouse SQL' });
  });

  it('When the server’s certificate is signed by a private CA, Then it connects only with that CA given', async () => {
    const secret = { store: 'file' as const, path: join(dataDir, 'tls.pw'), password: server.admin.password };
    await api.call('engines.create', { name: 'tls-ca', url: server.httpsUrl!, user: server.admin.user, caFile: cert.caPath, secret });
    expect(await api.call('engines.test', { name: 'tls-ca' })).toMatchObject({ ok: true, tls: true, readonlyProfile: false });
    await api.call('engines.create', { name: 'tls-system', url: server.httpsUrl!, user: server.admin.user, secret });
    const refused = await failure(api.call('engines.test', { name: 'tls-system' }));
    expect(refused.code).toBe('engine_tls_failed');
  });

  it('When a query runs on a connection, Then it answers in ClickHouse SQL and the server refuses writes', async () => {
    const result = await api.call('engines.query', { name: 'tls-ca', sql: `SELECT count() AS n, toStartOfHour(now()) >= toDateTime('2020-01-01 00:00:00', 'UTC') AS recent FROM events` });
    expect(result).toMatchObject({ columns: [{ name: 'n', type: 'UInt64' }, { name: 'recent', type: 'UInt8' }], rows: [[0, 1]], truncated: false, dialect: 'ClickHouse SQL' });
    const refused = await failure(api.call('engines.query', { name: 'tls-ca', sql: 'DROP TABLE events' }));
    expect(refused.code).toBe('engine_write_refused');
    expect((await server.exec('EXISTS TABLE events')).trim()).toBe('1');
  });

  it('When the caller cancels a query, Then it is killed on the server', async () => {
    const marker = `cancel-${Date.now()}`;
    // concat() keeps this probe's own text from matching the pattern.
    const running = async () => Number((await server.exec(`SELECT count() FROM system.processes WHERE query LIKE concat('%', '${marker}', '%') AND query NOT LIKE '%system.processes%'`)).trim());
    const controller = new AbortController();
    const pending = api.call(
      'engines.query',
      { name: 'tls-ca', sql: `SELECT count() FROM (SELECT number FROM system.numbers LIMIT 1000000000000) WHERE NOT ignore(sipHash64(number, '${marker}'))` },
      { signal: controller.signal },
    );
    for (let i = 0; (await running()) === 0; i++) {
      if (i > 2_000) throw new Error('the query never started');
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort();
    expect((await failure(pending)).code).toBe('cancelled');
    expect(await running()).toBe(0);
  });

  it('When input is wrong, Then nothing is stored and the code says what', async () => {
    const secret = { store: 'file' as const, path: join(dataDir, 'x.pw'), password: 'x' };
    expect((await failure(api.call('engines.create', { name: 'lab', url: server.url, user: 'u', secret }))).code).toBe('engine_name_taken');
    expect((await failure(api.call('engines.create', { name: 'odd', url: 'ftp://host', user: 'u', secret }))).code).toBe('engine_url_invalid');
    expect((await failure(api.call('engines.create', { name: 'odd', url: 'http://u:p@host:8123', user: 'u', secret }))).code).toBe('engine_url_invalid');
    const missingCa = await failure(api.call('engines.create', { name: 'odd', url: server.url, user: 'u', caFile: join(dataDir, 'none.pem'), secret }));
    expect(missingCa.code).toBe('engine_ca_file_unreadable');
    expect((await failure(api.call('engines.create', { name: 'bad name!', url: server.url, user: 'u', secret }))).code).toBe('invalid_input');
    expect((await failure(api.call('engines.test', { name: 'nowhere' }))).code).toBe('engine_not_found');
    expect((await api.call('engines.list', {})).map((c) => c.name)).toEqual(['lab', 'tls-ca', 'tls-system']);
  });

  it('When the stored password is wrong, Then test says the server refused the user', async () => {
    await api.call('engines.create', { name: 'wrong', url: server.url, user: server.admin.user, secret: { store: 'file', path: join(dataDir, 'wrong.pw'), password: 'not-it' } });
    const error = await failure(api.call('engines.test', { name: 'wrong' }));
    expect(error.toWire()).toEqual({ code: 'engine_auth_failed', params: { user: server.admin.user } });
  });

  it('When a connection is removed, Then it is gone and its credentials file stays', async () => {
    expect(await api.call('engines.remove', { name: 'LAB' })).toEqual({ removed: true, secret: 'file_kept' });
    expect((await api.call('engines.list', {})).map((c) => c.name)).not.toContain('lab');
    expect(await readFile(join(dataDir, 'ch.pw'), 'utf8')).toContain(server.reader.password);
  });
});

describe('logscope engine add|test|list|remove', () => {
  const dataDir = tempDataDir('logscope-engine-cli-');
  const cli = (args: string[], input = '') => runCli(['--data-dir', dataDir, ...args], { input });

  it('When added with the password on stdin, Then it goes to the keychain, never to the arguments, and test reports the server', async () => {
    const added = await cli(['--json', 'engine', 'add', 'team', '--url', server.httpsUrl!, '--user', server.admin.user, '--ca-file', cert.caPath], `${server.admin.password}\n`);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    const [connection] = jsonLines(added.stdout) as Record<string, unknown>[];
    expect(connection).toMatchObject({ name: 'team', url: server.httpsUrl, store: 'keychain', keychain_account: `clickhouse:default@localhost:${new URL(server.httpsUrl!).port}` });

    const tested = await cli(['--json', 'engine', 'test', 'team']);
    expect(tested.status).toBe(0);
    expect(jsonLines(tested.stdout)).toEqual([
      expect.objectContaining({ name: 'team', ok: true, tls: true, readonly_profile: false, dialect: 'ClickHouse SQL', version: expect.stringMatching(/^18\.|^\d+\./) }),
    ]);
    const text = await cli(['engine', 'test', 'team']);
    expect(text.stdout).toMatch(/^Connected to team: ClickHouse \d+\.\S+ \(TLS, certificate verified\)/);
  });

  it('When a query runs from the command, Then rows come as JSON lines and a cut result says so', async () => {
    const json = await cli(['--json', 'engine', 'query', 'team', 'SELECT number AS n, toString(number) AS s FROM system.numbers LIMIT 3']);
    expect(json.status).toBe(0);
    expect(jsonLines(json.stdout)).toEqual([{ n: 0, s: '0' }, { n: 1, s: '1' }, { n: 2, s: '2' }]);
    const cut = await cli(['engine', 'query', 'team', 'SELECT number FROM system.numbers LIMIT 50', '--max-rows', '5', '--format', 'csv']);
    expect(cut.stdout).toBe('number\r\n0\r\n1\r\n2\r\n3\r\n4\r\n');
    expect(cut.stderr).toContain('cut at 5 rows');
    const refused = await cli(['engine', 'query', 'team', 'DROP TABLE events']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('The server refused to change data');
  });

  it('When listed and removed, Then the keychain entry goes with it', async () => {
    const listed = await cli(['engine', 'list']);
    expect(listed.stdout).toMatch(/team\s+https:\/\/localhost:\d+\s+default\s+default\s+keychain/);
    const removed = await cli(['--json', 'engine', 'remove', 'team']);
    expect(jsonLines(removed.stdout)).toEqual([{ name: 'team', removed: true, secret: 'deleted' }]);
    expect((await cli(['--json', 'engine', 'list'])).stdout).toBe('');
    const again = await cli(['engine', 'test', 'team']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('There is no engine connection named “team”.');
  });

  it('When no password comes on stdin, Then nothing is added', async () => {
    const file = join(dataDir, 'unused.pw');
    const added = await cli(['engine', 'add', 'empty', '--url', server.url, '--user', 'default', '--credentials-file', file]);
    expect(added.status).not.toBe(0);
    expect(added.stderr).toMatch(/no password on standard input/);
    expect((await cli(['--json', 'engine', 'list'])).stdout).toBe('');
  });
});
