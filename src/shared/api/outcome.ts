import type { WireError } from './errors';

/** A call's result as IPC carries it: Electron would flatten a thrown error to a message. */
export type CallOutcome = { ok: true; output: unknown } | { ok: false; error: WireError };
