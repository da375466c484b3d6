import { eventNames, type EventName } from './names';
import type { WireError } from './errors';

/** What the server sends over the loopback WebSocket transport (`wire.ts` has what the client sends). */
export type ServerMessage =
  | { t: 'result'; id: number; output: unknown }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'event'; name: EventName; payload: unknown };

const eventNameSet: ReadonlySet<string> = new Set(eventNames);
const isEventName = (value: unknown): value is EventName => typeof value === 'string' && eventNameSet.has(value);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A server message as the client reads it, or null for anything else. Written out rather
 * than as a zod schema: the renderer's first paint would otherwise bring zod (issue 19).
 * An error's code is checked against the known ones by `isWireError` where it is used.
 */
export function readServerMessage(value: unknown): ServerMessage | null {
  if (!isRecord(value)) return null;
  if (value.t === 'event') return isEventName(value.name) ? { t: 'event', name: value.name, payload: value.payload } : null;
  const id = value.id;
  if (typeof id !== 'number' || !Number.isInteger(id)) return null;
  if (value.t === 'result') return { t: 'result', id, output: value.output };
  if (value.t === 'error' && isRecord(value.error) && typeof value.error.code === 'string' && isRecord(value.error.params)) {
    return { t: 'error', id, error: value.error as unknown as WireError };
  }
  return null;
}
