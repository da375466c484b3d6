import { setTimeout as wait } from 'node:timers/promises';
import { toWireError } from '../../../shared/api/errors';
import type { MailListener } from '../../../shared/api/contract/mail';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { Handlers } from '../../transport/rpc';
import { closeImap } from './connection';
import type { MailChange, MailInService } from './mailIn';

export interface ReconnectBackoff {
  /** The pause after the first failure; each further failure doubles it. */
  firstMs: number;
  /** No pause is longer than this (before jitter). */
  maxMs: number;
}

export const defaultReconnectBackoff: ReconnectBackoff = { firstMs: 1000, maxMs: 5 * 60_000 };

/**
 * The pause before reconnection attempt `failures` (0 after the first failure): capped
 * exponential, with "equal jitter" (half fixed, half random), so listeners that lost one
 * server together do not all come back in the same second, and none comes back sooner
 * than half its step.
 */
export function reconnectDelayMs(failures: number, backoff: ReconnectBackoff, random: () => number): number {
  const step = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(failures, 30));
  return Math.round(step / 2 + (step / 2) * random());
}

/** RFC 2177: a server may end an IDLE after 30 minutes; imapflow re-issues it sooner. */
const maxIdleMs = 25 * 60_000;

export interface MailListenerDeps {
  mailIn: MailInService;
  events: EventBus;
  clock: Clock;
  log: Logger;
  backoff?: ReconnectBackoff;
  random?: () => number;
}

interface Listener {
  ruleId: number;
  accountId: number;
  status: MailListener;
  controller: AbortController;
  /** A fetch is running (or waiting for another of the rule's to finish). */
  fetching: Promise<void> | null;
  /** New mail arrived while a fetch ran: fetch once more after it. */
  fetchAgain: boolean;
  done: Promise<void>;
}

/**
 * Push collection: one connection per rule idles on the rule's folder and, on new mail,
 * runs the rule's ordinary fetch (`mailIn.fetchRule`, the scheduler's path, so the UID store
 * keeps each attachment to one import). It also fetches after every (re)connection, for
 * what arrived while it was away. Scheduled fetches stay the fallback. Listeners follow the
 * catalogue: an added rule gets one, a changed or removed rule or account restarts or
 * stops its listeners.
 */
export function createMailListeners(deps: MailListenerDeps) {
  const { mailIn, events, clock, log } = deps;
  const backoff = deps.backoff ?? defaultReconnectBackoff;
  const random = deps.random ?? Math.random;
  const listeners = new Map<number, Listener>();
  let started = false;
  let stopChanges: (() => void) | null = null;
  // Catalogue changes are applied one after another, in the order they came.
  let reconciling: Promise<void> = Promise.resolve();

  const statuses = (): MailListener[] => [...listeners.values()].map((l) => l.status).sort((a, b) => a.ruleId - b.ruleId);
  const publish = () => events.emit('mail.listeners.changed', { listeners: statuses() });

  function setStatus(listener: Listener, status: Partial<MailListener>) {
    if (listener.controller.signal.aborted) return;
    listener.status = { ...listener.status, ...status };
    publish();
  }

  function fetchNow(listener: Listener) {
    listener.fetchAgain = true;
    if (listener.fetching) return;
    const { signal } = listener.controller;
    listener.fetching = (async () => {
      while (listener.fetchAgain && !signal.aborted) {
        listener.fetchAgain = false;
        try {
          const result = await mailIn.fetchRuleWhenFree(listener.ruleId, { signal, jobId: `push-${listener.ruleId}` });
          log.info('push fetch finished', { rule: result.rule, outcome: result.outcome, imported: result.imported });
        } catch (error) {
          if (!signal.aborted) log.warn('push fetch failed', { rule: listener.status.rule, error });
        }
      }
    })().finally(() => (listener.fetching = null));
  }

  /** One connection: resolves when the server closes it, `'no_idle'` when it cannot push. */
  async function connectOnce(listener: Listener, folder: string, onLive: () => void): Promise<'closed' | 'no_idle'> {
    const { signal } = listener.controller;
    const { client } = await mailIn.openIdleConnection(listener.ruleId, maxIdleMs);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const onAbort = () => void closeImap(client);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) return 'closed';
      if (!client.capabilities.has('IDLE')) return 'no_idle';
      // Read-only: the listener only watches; the fetch sets flags and moves messages.
      await client.mailboxOpen(folder, { readOnly: true });
      client.on('exists', (info: { count: number; prevCount: number }) => {
        if (info.count > info.prevCount) fetchNow(listener);
      });
      onLive();
      fetchNow(listener);
      await closed;
      return 'closed';
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (client.usable) await closeImap(client);
    }
  }

  async function run(listener: Listener, folder: string): Promise<void> {
    const { signal } = listener.controller;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const outcome = await connectOnce(listener, folder, () => {
          failures = 0;
          setStatus(listener, { state: 'live', retryAt: null, error: null });
        });
        if (outcome === 'no_idle') {
          setStatus(listener, { state: 'polling_only', retryAt: null, error: null });
          return;
        }
        if (!signal.aborted) log.info('push connection closed by the server', { rule: listener.status.rule });
      } catch (error) {
        if (signal.aborted) return;
        log.warn('push connection failed', { rule: listener.status.rule, error });
        listener.status = { ...listener.status, error: toWireError(error) };
      }
      if (signal.aborted) return;
      const delayMs = reconnectDelayMs(failures++, backoff, random);
      setStatus(listener, { state: 'reconnecting', retryAt: new Date(clock.now().getTime() + delayMs).toISOString() });
      await wait(delayMs, undefined, { signal }).catch(() => undefined);
      if (!signal.aborted) setStatus(listener, { state: 'connecting', retryAt: null });
    }
  }

  async function stop(listener: Listener) {
    listener.controller.abort();
    listeners.delete(listener.ruleId);
    await listener.done;
    await listener.fetching;
  }

  async function reconcile(change: MailChange | null) {
    const rules = await mailIn.listRules();
    const stale = [...listeners.values()].filter(
      (l) =>
        !rules.some((r) => r.id === l.ruleId) ||
        (change !== null && ('ruleId' in change ? change.ruleId === l.ruleId : change.accountId === l.accountId)),
    );
    await Promise.all(stale.map(stop));
    for (const rule of rules) {
      if (listeners.has(rule.id)) continue;
      const listener: Listener = {
        ruleId: rule.id,
        accountId: rule.accountId,
        status: { ruleId: rule.id, rule: rule.name, state: 'connecting', retryAt: null, error: null },
        controller: new AbortController(),
        fetching: null,
        fetchAgain: false,
        done: Promise.resolve(),
      };
      listeners.set(rule.id, listener);
      listener.done = run(listener, rule.folder);
    }
    publish();
  }

  const enqueue = (change: MailChange | null) => {
    reconciling = reconciling.then(() => (started ? reconcile(change) : undefined)).catch((error: unknown) => log.warn('could not update the push listeners', { error }));
    return reconciling;
  };

  return {
    /** Starts a listener per rule (the app and `logscope serve`; one-shot commands don't). */
    start(): Promise<void> {
      if (started) return reconciling;
      started = true;
      stopChanges = mailIn.onChange((change) => void enqueue(change));
      return enqueue(null);
    },
    list: statuses,
    /** Stops every listener: the connections are logged out, running fetches cancelled. */
    async dispose(): Promise<void> {
      started = false;
      stopChanges?.();
      await reconciling;
      await Promise.all([...listeners.values()].map(stop));
    },
  };
}

export type MailListeners = ReturnType<typeof createMailListeners>;

export function createMailListenerHandlers(listeners: MailListeners): Pick<Handlers, 'mail.listeners'> {
  return { 'mail.listeners': async () => listeners.list() };
}
