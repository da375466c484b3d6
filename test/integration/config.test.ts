import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import { jsonLines, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';

const work = tempDataDir('logscope-config-');
const source = path.join(work, 'source');
const target = path.join(work, 'target');
const password = 'not-in-any-export-7f3a';
let core: AppCore;

beforeAll(async () => {
  const opened = await openAppCore({ dataDir: source, ownerKind: 'serve', memoryLimit: '1GB', seedDemo: true });
  if ('served' in opened) throw new Error('not the owner');
  core = opened;
  const api = createLocalApi(core.rpc, core.events);
  const credentials = path.join(work, 'imap.pw');
  const account = await api.call('mail.accounts.create', {
    name: 'logs',
    host: 'imap.example.invalid',
    security: 'tls',
    user: 'logs@example.invalid',
    secret: { store: 'file', path: credentials, password },
  });
  const rule = await api.call('mail.rules.create', { name: 'nightly', accountId: account.id, dataset: 'mailed', attachmentPatterns: ['*.csv'] });
  await api.call('jobs.create', { name: 'collect', target: { kind: 'fetch', ruleId: rule.id }, schedule: { kind: 'interval', minutes: 15 } });
  await api.call('jobs.create', { name: 'keep-small', target: { kind: 'retention' }, schedule: { kind: 'cron', expression: '0 3 * * *', timeZone: 'Asia/Seoul' } });
  const [demo] = await api.call('datasets.list', {});
  await api.call('retention.set', { datasetId: demo!.id, keepDays: 30, keepRows: null });
  await core.dispose();
});
afterAll(() => undefined);

describe('logscope config export and import', () => {
  it('round-trips accounts (without the password), rules, jobs and retention by name', async () => {
    const file = path.join(work, 'config.json');
    const exported = await runCli(['config', 'export', file, '--json', '--data-dir', source]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(jsonLines(exported.stdout)[0]).toMatchObject({ accounts: 1, rules: 1, jobs: 2, retention: 1 });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(password);
    expect(fs.statSync(file).mode & 0o077).toBe(0);

    // The target has the demo dataset too, so retention finds it.
    await runCli(['datasets', '--data-dir', target]);
    const seeded = await openAppCore({ dataDir: target, ownerKind: 'serve', memoryLimit: '1GB', seedDemo: true });
    if ('served' in seeded) throw new Error('not the owner');
    await seeded.dispose();

    const imported = await runCli(['config', 'import', file, '--json', '--data-dir', target]);
    expect(imported.status, imported.stderr).toBe(0);
    const items = jsonLines(imported.stdout) as { kind: string; name: string; outcome: string; message: string | null }[];
    expect(items.map((i) => `${i.kind}:${i.name}:${i.outcome}`)).toEqual([
      'account:logs:created',
      'rule:nightly:created',
      'job:collect:created',
      'job:keep-small:created',
      'retention:demo_service:created',
    ]);
    // The credentials-file path is named, not adopted: a path in someone else's file could
    // point at any small file of ours. The password is set here, by the user.
    expect(items[0]?.message).toBe(`set its password: logscope account password "logs" --credentials-file ${path.join(work, 'imap.pw')}`);
    const accounts = jsonLines((await runCli(['account', 'list', '--json', '--data-dir', target])).stdout) as { name: string; store: string }[];
    expect(accounts).toMatchObject([{ name: 'logs', store: 'keychain' }]);
    // Jobs arrive switched off until the user has looked at them.
    expect(items.find((i) => i.name === 'collect')?.message).toBe('switched off; switch it on with: logscope jobs enable "collect"');
    const jobs = jsonLines((await runCli(['jobs', 'list', '--json', '--data-dir', target])).stdout) as { name: string; schedule: unknown; enabled: boolean }[];
    expect(jobs.find((j) => j.name === 'keep-small')?.schedule).toEqual({ kind: 'cron', expression: '0 3 * * *', timeZone: 'Asia/Seoul' });
    expect(jobs.map((j) => j.enabled)).toEqual([false, false]);
    const enabled = await runCli(['jobs', 'enable', 'keep-small', '--json', '--data-dir', target]);
    expect(enabled.status, enabled.stderr).toBe(0);
    expect(jsonLines(enabled.stdout)[0]).toMatchObject({ name: 'keep-small', enabled: true });
    expect((await runCli(['jobs', 'enable', 'nope', '--data-dir', target])).status).toBe(1);

    const again = await runCli(['config', 'import', file, '--json', '--data-dir', target]);
    expect((jsonLines(again.stdout) as { outcome: string }[]).slice(0, 4).every((i) => i.outcome === 'exists')).toBe(true);
  });

  it('refuses a file that is not a configuration, saying where', async () => {
    const file = path.join(work, 'broken.json');
    fs.writeFileSync(file, JSON.stringify({ logscopeConfig: 1, exportedAt: 'x', accounts: [{ name: 'a' }], rules: [], jobs: [], retention: [] }));
    const result = await runCli(['config', 'import', file, '--json', '--data-dir', path.join(work, 'other')]);
    expect(result.status).toBe(1);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ error: { code: 'config_invalid' } });
    expect(result.stderr).toContain('accounts.0');
  });
});
