import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../../shared/api/errors';
import type { OwnerKind } from '../../../shared/api/contract';
import { DatabaseLockedError, type Db } from '../db/database';
import { isProcessAlive, readOwnerRecord, type OwnerRecord } from './ownerRecord';

export type Acquired = { kind: 'owner'; db: Db } | { kind: 'served'; record: OwnerRecord & { port: number; token: string } };

export interface AcquireOptions {
  ownerRecordFile: string;
  /** Who is asking: the app and `serve` wait for a one-shot command; a command talks to a serving owner. */
  requester: OwnerKind;
  open: () => Promise<Db>;
  /** Told once per holder while waiting for a one-shot command to finish. */
  onWaiting?: (holder: OwnerRecord) => void;
  signal?: AbortSignal;
  pollMs?: number;
  /** How long a locked file may have no discovery record (an owner still starting) before giving up. */
  startupGraceMs?: number;
}

/**
 * DuckDB's file lock decides who owns a data folder: one process at a time, released by
 * the operating system when that process dies. Whoever cannot open the file reads the
 * owner's discovery record and
 * - finds a one-shot `logscope` command: waits for it to finish, then takes over;
 * - finds the app or `serve`: a command sends its work there; the app or `serve` refuses;
 * - finds no record: gives "the data folder is in use by process N".
 */
export async function acquireDataFolder(options: AcquireOptions): Promise<Acquired> {
  const pollMs = options.pollMs ?? 200;
  const graceMs = options.startupGraceMs ?? 3000;
  let waitingFor: number | null = null;
  let lockedWithoutRecordSince: number | null = null;
  for (;;) {
    if (options.signal?.aborted) throw new AppError('cancelled');
    try {
      return { kind: 'owner', db: await options.open() };
    } catch (error) {
      if (!(error instanceof DatabaseLockedError)) throw error;
      const record = await readOwnerRecord(options.ownerRecordFile);
      const holder = record && (error.holderPid === null || record.pid === error.holderPid) && isProcessAlive(record.pid) ? record : null;
      if (holder?.kind === 'cli') {
        lockedWithoutRecordSince = null;
        if (waitingFor !== holder.pid) {
          waitingFor = holder.pid;
          options.onWaiting?.(holder);
        }
      } else if (holder && holder.port !== null && holder.token !== null) {
        if (options.requester === 'cli') return { kind: 'served', record: { ...holder, port: holder.port, token: holder.token } };
        throw new AppError('data_dir_owned', { pid: holder.pid, kind: holder.kind, port: holder.port }, { cause: error });
      } else {
        lockedWithoutRecordSince ??= Date.now();
        if (Date.now() - lockedWithoutRecordSince > graceMs) {
          throw new AppError('data_dir_in_use', { pid: error.holderPid ?? record?.pid ?? 0 }, { cause: error });
        }
      }
      await delay(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}
