import fs from 'node:fs/promises';
import { z } from 'zod';
import { OwnerKind } from '../../../shared/api/contract';

/**
 * The discovery record an owner writes into its data folder: who holds the database
 * and, for the app and `serve`, where to reach it. It holds a token, so only the user
 * can read it (mode 0600). DuckDB's file lock, not this record, decides who the owner
 * is; the record only says how to talk to the owner.
 */
export const OwnerRecord = z.object({
  pid: z.number().int(),
  kind: OwnerKind,
  port: z.number().int().nullable(),
  token: z.string().nullable(),
  startedAt: z.string(),
});
export type OwnerRecord = z.infer<typeof OwnerRecord>;

export async function writeOwnerRecord(file: string, record: OwnerRecord): Promise<void> {
  const temporary = `${file}.${record.pid}.tmp`;
  await fs.rm(temporary, { force: true });
  const handle = await fs.open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(record) + '\n');
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
}

export async function readOwnerRecord(file: string): Promise<OwnerRecord | null> {
  try {
    const parsed = OwnerRecord.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Removes the record only if it is still this process's. */
export async function removeOwnerRecord(file: string, pid: number): Promise<void> {
  const record = await readOwnerRecord(file);
  if (record?.pid === pid) await fs.rm(file, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
