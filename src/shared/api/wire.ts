import { z } from 'zod';
import { methodNames } from './names';

/**
 * The messages the client sends over the loopback WebSocket transport (the server's are in
 * `serverMessage.ts`, without zod). IPC carries the same calls with
 * Electron's own request/response, so only this transport needs ids and cancel.
 */
export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.enum(methodNames), input: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
