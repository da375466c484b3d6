import { createApi, type Api } from '../../shared/api/client';
import { fromWireError } from '../../shared/api/errors';
import type { EventBus } from '../services/events';
import type { RpcServer } from './rpc';

/** The contract in-process: a one-shot command that owns the folder calls its services through it. */
export function createLocalApi(rpc: RpcServer, events: EventBus): Api {
  return createApi({
    async call(method, input, signal) {
      const controller = new AbortController();
      if (signal?.aborted) controller.abort();
      signal?.addEventListener('abort', () => controller.abort(), { once: true });
      const outcome = await rpc.call(method, input, controller.signal);
      if (!outcome.ok) throw fromWireError(outcome.error);
      return outcome.output;
    },
    on(event, listener) {
      return events.on(event, listener as never);
    },
  });
}
