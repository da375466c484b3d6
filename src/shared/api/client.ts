import { AppError, fromWireError, isWireError, type WireError } from './errors';
import { readServerMessage } from './serverMessage';
import type { ClientMessage } from './wire';
import type { EventName, EventPayload, Input, MethodName, Output } from './contract';

/** The part of `AbortSignal` the client uses (shared code sees neither DOM nor Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What each transport implements; the typed `Api` is built on top of it. */
export interface Transport {
  call(method: MethodName, input: unknown, signal?: AbortSignalLike): Promise<unknown>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  close?(): void;
}

export interface Api {
  call<M extends MethodName>(method: M, input: Input<M>, options?: { signal?: AbortSignalLike }): Promise<Output<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  close(): void;
}

/**
 * Outputs are trusted here: the server validated inputs, and both ends are built from
 * the same contract. Errors arrive as `{ code, params }` and become `AppError`s again.
 */
export function createApi(transport: Transport): Api {
  return {
    async call(method, input, options) {
      try {
        return (await transport.call(method, input, options?.signal)) as never;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (isWireError(error)) throw fromWireError(error);
        throw error;
      }
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void);
    },
    close() {
      transport.close?.();
    },
  };
}

/** The minimum of a WebSocket that both the browser's and the `ws` package's provide. */
export interface WireSocket {
  send(data: string): void;
  close(): void;
  onMessage(listener: (data: string) => void): void;
  onClose(listener: () => void): void;
}

/** Calls over one WebSocket: ids, cancel messages, and events pushed by the server. */
export function createWireTransport(socket: WireSocket): Transport {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  socket.onMessage((data) => {
    const message = readServerMessage(safeJson(data));
    if (!message) return;
    if (message.t === 'event') {
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.t === 'result') entry.resolve(message.output);
    else entry.reject(isWireError(message.error) ? fromWireError(message.error as WireError) : new AppError('internal'));
  });

  socket.onClose(() => {
    closed = true;
    for (const entry of pending.values()) entry.reject(new AppError('owner_unreachable'));
    pending.clear();
  });

  const send = (message: ClientMessage) => socket.send(JSON.stringify(message));

  return {
    call(method, input, signal) {
      if (closed) return Promise.reject(new AppError('owner_unreachable'));
      if (signal?.aborted) return Promise.reject(new AppError('cancelled'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          if (!pending.has(id)) return;
          pending.delete(id);
          send({ t: 'cancel', id });
          reject(new AppError('cancelled'));
        };
        pending.set(id, {
          resolve: (value) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(value);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        send({ t: 'call', id, method, input });
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    close() {
      socket.close();
    },
  };
}

function safeJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
