import { spawn, type ChildProcess } from 'node:child_process';

/*
 * A watchdog in its own process: when this (test) process dies without calling stop() —
 * killed by a timeout, SIGKILL, Ctrl-C — the pipe closes and the watchdog stops the server.
 * An 'exit' handler alone does not run on SIGKILL.
 */
const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
process.stdin.resume();
process.stdin.on('end', () => { try { process.kill(pid, 'SIGTERM'); } catch {} process.exit(0); });
process.stdin.on('error', () => { try { process.kill(pid, 'SIGTERM'); } catch {} process.exit(0); });
`;

/** Starts a watchdog for `pid`; kill it with SIGKILL once the server is stopped. */
export function startWatchdog(pid: number): ChildProcess {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}
