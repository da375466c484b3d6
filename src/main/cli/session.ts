import os from 'node:os';
import type { Api } from '../../shared/api/client';
import { AppError } from '../../shared/api/errors';
import { isServed, openAppCore } from '../app';
import { resolveDataDir } from '../services/dataFolder/paths';
import { createLocalApi } from '../transport/local';
import { connectToOwner } from '../transport/wsClient';
import type { Logger } from '../services/logger';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
  debug?: boolean;
}

export const dataDirOf = (options: GlobalOptions): string =>
  resolveDataDir(options.dataDir, process.env, process.platform, os.homedir());

/**
 * Runs a command's work against the data folder: in this process when nobody else has it
 * open, or through the owner (the app or `serve`) over the loopback transport, so
 * `logscope import` works while the app is open and its result shows there at once.
 */
export async function withApi<T>(
  options: GlobalOptions & { log: Logger; say: (line: string) => void; signal: AbortSignal },
  work: (api: Api, where: 'local' | 'owner') => Promise<T>,
): Promise<T> {
  const core = await openAppCore({
    dataDir: dataDirOf(options),
    ownerKind: 'cli',
    log: options.log,
    signal: options.signal,
    onWaiting: (holder) => options.say(`waiting for another logscope command (process ${holder.pid}) to finish with this data folder…`),
  });
  if (isServed(core)) {
    let api: Api;
    try {
      api = await connectToOwner({ port: core.served.port, token: core.served.token });
      await api.call('app.ping', {});
    } catch (error) {
      throw new AppError('data_dir_in_use', { pid: core.served.pid }, { cause: error });
    }
    try {
      return await work(api, 'owner');
    } finally {
      api.close();
    }
  }
  try {
    await core.publish(null);
    return await work(createLocalApi(core.rpc, core.events), 'local');
  } finally {
    await core.dispose();
  }
}
