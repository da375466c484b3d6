import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { EventPayload } from '@shared/api/contract';
import type { MailFetchResult } from '@shared/api/contract/mail';
import { useApi } from '../../app/api';
import { datasetsKey } from '../datasets/useDatasets';

export const mailKeys = {
  status: ['mail', 'status'] as const,
  accounts: ['mail', 'accounts'] as const,
  rules: ['mail', 'rules'] as const,
  listeners: ['mail', 'listeners'] as const,
  collected: ['mail', 'collected'] as const,
  folders: (accountId: number) => ['mail', 'folders', accountId] as const,
};

export function useMailStatus() {
  const api = useApi();
  return useQuery({ queryKey: mailKeys.status, queryFn: ({ signal }) => api.call('mail.status', {}, { signal }), staleTime: 60_000 });
}

export function useMailAccounts() {
  const api = useApi();
  return useQuery({ queryKey: mailKeys.accounts, queryFn: ({ signal }) => api.call('mail.accounts.list', {}, { signal }) });
}

export function useMailRules() {
  const api = useApi();
  return useQuery({ queryKey: mailKeys.rules, queryFn: ({ signal }) => api.call('mail.rules.list', {}, { signal }) });
}

/**
 * Push collection per rule, kept current by the owner's events; a push fetch that finished
 * refreshes the rules' last runs.
 */
export function useMailListeners() {
  const api = useApi();
  const client = useQueryClient();
  useEffect(() => {
    const offChanged = api.on('mail.listeners.changed', ({ listeners }) => client.setQueryData(mailKeys.listeners, listeners));
    const offProgress = api.on('mail.progress', (progress) => {
      if (progress.phase === 'done') void client.invalidateQueries({ queryKey: mailKeys.rules });
    });
    return () => {
      offChanged();
      offProgress();
    };
  }, [api, client]);
  return useQuery({ queryKey: mailKeys.listeners, queryFn: ({ signal }) => api.call('mail.listeners', {}, { signal }) });
}

/** Files imported from mail with their provenance; refreshed whenever a dataset changes. */
export function useCollectedFiles() {
  const api = useApi();
  const client = useQueryClient();
  useEffect(() => api.on('datasets.changed', () => void client.invalidateQueries({ queryKey: mailKeys.collected })), [api, client]);
  return useQuery({ queryKey: mailKeys.collected, queryFn: ({ signal }) => api.call('mail.collected', { limit: 200 }, { signal }) });
}

/** The folders of an account, asked from the server only when a rule is being written. */
export function useMailFolders(accountId: number | null) {
  const api = useApi();
  return useQuery({
    queryKey: mailKeys.folders(accountId ?? 0),
    queryFn: ({ signal }) => api.call('mail.folders.list', { accountId: accountId! }, { signal }),
    enabled: accountId !== null,
    staleTime: 5 * 60_000,
  });
}

export type MailProgress = EventPayload<'mail.progress'>;

export interface RuleFetchState {
  running: boolean;
  progress: MailProgress | null;
  result: MailFetchResult | null;
  error: unknown;
}

/**
 * "Fetch now" per rule: the call runs in the owner, progress arrives as events for this
 * call's job id, and the result lists every attachment's outcome.
 */
export function useRuleFetch() {
  const api = useApi();
  const client = useQueryClient();
  const [states, setStates] = useState<Record<number, RuleFetchState>>({});
  const controllers = useRef(new Map<number, AbortController>());
  const jobs = useRef(new Map<string, number>());

  useEffect(
    () =>
      api.on('mail.progress', (progress) => {
        const ruleId = jobs.current.get(progress.jobId);
        if (ruleId === undefined) return;
        setStates((s) => ({ ...s, [ruleId]: { ...(s[ruleId] ?? { result: null, error: null, running: true }), progress } }));
      }),
    [api],
  );
  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  const start = useCallback(
    async (ruleId: number) => {
      const jobId = crypto.randomUUID();
      const controller = new AbortController();
      controllers.current.set(ruleId, controller);
      jobs.current.set(jobId, ruleId);
      setStates((s) => ({ ...s, [ruleId]: { running: true, progress: null, result: null, error: null } }));
      try {
        const result = await api.call('mail.fetch', { jobId, ruleId }, { signal: controller.signal });
        setStates((s) => ({ ...s, [ruleId]: { running: false, progress: s[ruleId]?.progress ?? null, result, error: null } }));
      } catch (error) {
        setStates((s) => ({ ...s, [ruleId]: { running: false, progress: s[ruleId]?.progress ?? null, result: null, error } }));
      } finally {
        controllers.current.delete(ruleId);
        jobs.current.delete(jobId);
        await Promise.all([
          client.invalidateQueries({ queryKey: mailKeys.rules }),
          client.invalidateQueries({ queryKey: mailKeys.collected }),
          client.invalidateQueries({ queryKey: datasetsKey }),
        ]);
      }
    },
    [api, client],
  );

  const cancel = useCallback((ruleId: number) => controllers.current.get(ruleId)?.abort(), []);
  return { states, start, cancel };
}
