import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'bin/logscope.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `logscope` command as a real child process. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function runCliSync(args: string[]): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const jsonLines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** Resolves once `text` has appeared on stderr. */
  waitForStderr(text: string): Promise<void>;
  started: Promise<{ url: string; port: number }>;
  stop(): Promise<number | null>;
}

/** Spawns `logscope serve --json`; `started` resolves once it prints its URL. */
export function spawnServe(dataDir: string, extraArgs: string[] = []): ServeProcess {
  const child = spawn(process.execPath, [bin, 'serve', '--json', '--data-dir', dataDir, ...extraArgs], { cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  const stderrWaiters: { text: string; resolve: () => void }[] = [];
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const waiter of stderrWaiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = new Promise<{ url: string; port: number }>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { url: string; port: number });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  started.catch(() => undefined);
  return {
    child,
    stderr: () => stderr,
    waitForStderr: (text) =>
      stderr.includes(text) ? Promise.resolve() : new Promise((resolve) => stderrWaiters.push({ text, resolve })),
    started,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Starts `logscope serve` and resolves once it prints its URL. */
export async function startServe(dataDir: string, extraArgs: string[] = []): Promise<ServeProcess & { url: string; port: number }> {
  const serve = spawnServe(dataDir, extraArgs);
  return { ...serve, ...(await serve.started) };
}
