import WebSocket from 'ws';
import { createApi, createWireTransport, type Api } from '../../shared/api/client';
import { AppError } from '../../shared/api/errors';

/**
 * The `logscope` command as a client of a running owner: the same contract over the
 * loopback WebSocket, authenticated with the token from the owner's discovery record.
 */
export async function connectToOwner({ port, token, timeoutMs = 5000 }: { port: number; token: string; timeoutMs?: number }): Promise<Api> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
    headers: { Authorization: `Bearer ${token}` },
    handshakeTimeout: timeoutMs,
    maxPayload: 256 * 1024 * 1024,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) => reject(new AppError('owner_unreachable', { port }, { cause: error })));
    socket.once('unexpected-response', (_request, response) =>
      reject(new AppError('owner_unreachable', { port, status: response.statusCode ?? 0 })),
    );
  });
  const transport = createWireTransport({
    send: (data) => socket.send(data),
    close: () => socket.close(),
    onMessage: (listener) => socket.on('message', (data) => listener(data.toString())),
    onClose: (listener) => socket.on('close', listener),
  });
  return createApi(transport);
}
