import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, repoRoot, runCli, spawnServe, startServe } from './support/cli';
import { tempDataDir } from './support/dataDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts the holder process and resolves once it holds the folder. */
async function hold(mode: 'cli' | 'bare', dataDir: string): Promise<{ child: ChildProcessWithoutNullStreams; release: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/integration/support/holdFolder.ts'), mode, dataDir], {
    cwd: repoRoot,
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    release: async () => {
      child.stdin.write('release\n');
      await exited;
    },
  };
}

describe('one owner per data folder', () => {
  it('while serve owns the folder, commands from another process answer through it', async () => {
    const dataDir = tempDataDir();
    const serve = await startServe(dataDir);
    cleanups.push(() => serve.stop());
    const listed = await runCli(['datasets', '--json', '--data-dir', dataDir]);
    expect(listed.status, listed.stderr).toBe(0);
    const [demo] = jsonLines(listed.stdout) as { name: string; rows: number; columns: unknown[]; time_column: string }[];
    expect(demo).toMatchObject({ name: 'demo_service', rows: 30000, time_column: 'time' });
    const counted = await runCli(['query', 'SELECT count(*) AS n FROM demo_service', '--format', 'csv', '--data-dir', dataDir]);
    expect(counted.stdout).toBe('n\r\n30000\r\n');
    const record = path.join(dataDir, 'owner.json');
    expect(fs.statSync(record).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(record, 'utf8'))).toMatchObject({ kind: 'serve', port: serve.port, pid: serve.child.pid });
  });

  it('serve finding a one-shot command in charge waits for it, says so, then takes over', async () => {
    const dataDir = tempDataDir();
    const holder = await hold('cli', dataDir);
    const serve = spawnServe(dataDir);
    cleanups.push(() => serve.stop());
    await serve.waitForStderr(`process ${holder.child.pid}`);
    expect(serve.stderr()).toMatch(/waiting for a logscope command/);
    await holder.release();
    await serve.started;
    const listed = await runCli(['datasets', '--json', '--data-dir', dataDir]);
    expect(listed.status).toBe(0);
  });

  it('a second serve on the same folder refuses with the owner named', async () => {
    const dataDir = tempDataDir();
    const serve = await startServe(dataDir);
    cleanups.push(() => serve.stop());
    const second = await runCli(['serve', '--data-dir', dataDir, '--json']);
    expect(second.status).toBe(1);
    const [line] = jsonLines(second.stdout) as { error: { code: string; pid: number } }[];
    expect(line?.error).toMatchObject({ code: 'data_dir_owned', pid: serve.child.pid });
  });

  it('a holder that does not answer gives "in use by process N"', async () => {
    const dataDir = tempDataDir();
    const holder = await hold('bare', dataDir);
    const result = await runCli(['datasets', '--json', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`in use by process ${holder.child.pid}`);
    const [line] = jsonLines(result.stdout) as { error: { code: string } }[];
    expect(line?.error.code).toBe('data_dir_in_use');
    await holder.release();
  });

  it('an owner killed with SIGKILL leaves no stale lock: the next command owns the folder', async () => {
    const dataDir = tempDataDir();
    const serve = await startServe(dataDir);
    serve.child.kill('SIGKILL');
    await serve.stop();
    const result = await runCli(['datasets', '--json', '--data-dir', dataDir]);
    expect(result.status, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)).toHaveLength(1);
  });
});
