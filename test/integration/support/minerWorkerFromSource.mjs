// The miner's worker thread from the TypeScript source, for tests (the built app runs out/main's).
import { tsImport } from 'tsx/esm/api';

await tsImport('../../../src/main/services/patterns/minerWorker.ts', import.meta.url);
