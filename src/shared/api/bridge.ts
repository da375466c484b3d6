import type { CallOutcome } from './outcome';
import type { EventName, MethodName } from './names';

/** What the preload exposes as `window.logscope` in the Electron window. */
export interface LogscopeBridge {
  methods: Record<MethodName, (input: unknown, callId: number) => Promise<CallOutcome>>;
  cancel(callId: number): void;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  /** The path of a dropped or chosen file (Electron's webUtils), so the main process reads it in place. */
  pathForFile(file: unknown): string;
}
