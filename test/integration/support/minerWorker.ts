import type { MinerWorkerScript } from '../../../src/main/services/patterns/minerHost';

/** The miner's worker thread from the TypeScript source, loaded through tsx. */
export const minerWorkerFromSource: MinerWorkerScript = { file: new URL('./minerWorkerFromSource.mjs', import.meta.url) };
