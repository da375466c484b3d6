import { createApi, createWireTransport, type Api, type Transport } from '@shared/api/client';
import { fromWireError } from '@shared/api/errors';
import type { LogscopeBridge } from '@shared/api/bridge';

declare global {
  interface Window {
    logscope?: LogscopeBridge;
  }
}

/** In the Electron window the preload's bridge; in browser mode the loopback WebSocket. */
export async function connectApi(onClose: () => void): Promise<Api> {
  return createApi(window.logscope ? bridgeTransport(window.logscope) : await socketTransport(onClose));
}

function bridgeTransport(bridge: LogscopeBridge): Transport {
  let nextCallId = 1;
  return {
    async call(method, input, signal) {
      const callId = nextCallId++;
      const onAbort = () => bridge.cancel(callId);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const outcome = await bridge.methods[method](input, callId);
        if (!outcome.ok) throw fromWireError(outcome.error);
        return outcome.output;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}

/** The page was served with a cookie that carries the token; the socket sends it along. */
async function socketTransport(onClose: () => void): Promise<Transport> {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('could not connect to Logscope')), { once: true });
  });
  socket.addEventListener('close', onClose);
  return createWireTransport({
    send: (data) => socket.send(data),
    close: () => socket.close(),
    onMessage: (listener) => socket.addEventListener('message', (event) => listener(String(event.data))),
    onClose: (listener) => socket.addEventListener('close', listener),
  });
}
