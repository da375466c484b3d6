import { z } from 'zod';
import { eventNames, methodNames } from './names';
import type { WireError } from './errors';

/**
 * The messages of the loopback WebSocket transport. IPC carries the same calls with
 * Electron's own request/response, so only this transport needs ids and cancel.
 */
export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.enum(methodNames), input: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { t: 'result'; id: number; output: unknown }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'event'; name: (typeof eventNames)[number]; payload: unknown };

export const ServerMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: z.number().int(), output: z.unknown() }),
  z.object({
    t: z.literal('error'),
    id: z.number().int(),
    error: z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) }),
  }),
  z.object({ t: z.literal('event'), name: z.enum(eventNames), payload: z.unknown() }),
]);
