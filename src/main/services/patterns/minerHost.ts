import { Worker } from 'node:worker_threads';
import { AppError, fromWireError, type WireError } from '../../../shared/api/errors';
import { mineBatch, type MinedBatch } from '../../../shared/patterns/batch';
import { createMiner, type Miner, type MinerOptions, type MinerState, type TemplateMerge } from '../../../shared/patterns/miner';

/**
 * Where the pattern miner runs. Mining is pure CPU work (a first mining of millions of
 * rows takes a minute), so the app and `serve` run it in a worker thread and their event
 * loop stays free for the UI and the API; the pattern service talks to it only through
 * this interface, and to DuckDB itself.
 */
export interface MinerHost {
  /** Starts from a stored state (null: a new miner); returns the merges that state holds. */
  reset(options: MinerOptions, state: string | null): Promise<TemplateMerge[]>;
  mine(messages: string[]): Promise<MinedBatch>;
  close(): Promise<void>;
}

/** The worker's script, and the Node flags it needs (tests run the TypeScript source through tsx). */
export interface MinerWorkerScript {
  file: string | URL;
  execArgv?: string[];
}

export type MinerRequest = { id: number; kind: 'reset'; options: MinerOptions; state: string | null } | { id: number; kind: 'mine'; messages: string[] };
type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never;
export type MinerReply = { id: number; ok: true; value: TemplateMerge[] | MinedBatch } | { id: number; ok: false; error: WireError };

/** The miner a host keeps, reset per dataset. */
export function createMinerSlot() {
  let miner: Miner | null = null;
  return {
    reset(options: MinerOptions, state: string | null): TemplateMerge[] {
      miner = createMiner(options, state === null ? undefined : (JSON.parse(state) as MinerState));
      return miner.merges();
    },
    mine(messages: string[]): MinedBatch {
      if (!miner) throw new AppError('internal', { message: 'the miner was not reset before mining' });
      return mineBatch(miner, messages);
    },
  };
}

/** On the calling thread: for one-shot commands, where nothing else waits on the loop. */
export function createInProcessMinerHost(): MinerHost {
  const slot = createMinerSlot();
  return {
    reset: async (options, state) => slot.reset(options, state),
    mine: async (messages) => slot.mine(messages),
    close: async () => undefined,
  };
}

/**
 * In a worker thread, started on first use. If the worker dies, the calls in flight fail
 * and the next `reset` starts a new one: the service resets after every failed batch,
 * from the state it last stored, so nothing mined is lost or counted twice.
 */
export function createWorkerMinerHost(script: MinerWorkerScript): MinerHost {
  let worker: Worker | null = null;
  let nextId = 1;
  const inFlight = new Map<number, { resolve: (value: never) => void; reject: (error: unknown) => void }>();

  function failAll(error: unknown): void {
    for (const call of inFlight.values()) call.reject(error);
    inFlight.clear();
  }

  function running(): Worker {
    if (worker) return worker;
    const started = new Worker(script.file, { execArgv: script.execArgv ?? [] });
    started.on('message', (reply: MinerReply) => {
      const call = inFlight.get(reply.id);
      if (!call) return;
      inFlight.delete(reply.id);
      if (inFlight.size === 0) started.unref();
      if (reply.ok) call.resolve(reply.value as never);
      else call.reject(fromWireError(reply.error));
    });
    started.on('error', (error) => failAll(new AppError('patterns_failed', { detail: `the miner's thread failed: ${error.message}` }, { cause: error })));
    started.on('exit', (code) => {
      if (worker === started) worker = null;
      failAll(new AppError('patterns_failed', { detail: `the miner's thread stopped (exit code ${code})` }));
    });
    worker = started;
    return started;
  }

  function call<T>(request: Unsent<MinerRequest>): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      inFlight.set(id, { resolve: resolve as (value: never) => void, reject });
      const target = running();
      // Referenced only while it works: an idle miner must not keep the process alive.
      target.ref();
      target.postMessage({ ...request, id });
    });
  }

  return {
    reset: (options, state) => call<TemplateMerge[]>({ kind: 'reset', options, state }),
    mine: (messages) => call<MinedBatch>({ kind: 'mine', messages }),
    async close() {
      const stopping = worker;
      worker = null;
      await stopping?.terminate();
    },
  };
}
