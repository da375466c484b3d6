import type { EventName, EventPayload } from '../../shared/api/contract';

/** Events from services to every connected window or client, typed by the contract. */
export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Every event, for transports that forward them all. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  return {
    emit(event, payload) {
      for (const listener of [...listeners]) listener(event, payload);
    },
    on(event, listener) {
      const wrapped = (name: EventName, payload: unknown) => {
        if (name === event) listener(payload as never);
      };
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
    onAny(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
