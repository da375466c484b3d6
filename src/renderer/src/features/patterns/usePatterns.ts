import { useEffect, useRef } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PatternRange, PatternStatus } from '@shared/api/contract/patterns';
import { useApi } from '../../app/api';

export const patternsKey = (datasetId: number) => ['patterns', datasetId] as const;

/** While mining runs, the template list is refreshed at most this often. */
const refreshWhileMiningMs = 2000;

/**
 * How far mining is, kept current by the owner's `patterns.progress` events; the
 * template list and row pages of the dataset are refreshed as templates arrive.
 */
export function usePatternStatus(datasetId: number) {
  const api = useApi();
  const client = useQueryClient();
  const lastRefresh = useRef(0);
  useEffect(
    () =>
      api.on('patterns.progress', (progress) => {
        if (progress.datasetId !== datasetId) return;
        client.setQueryData([...patternsKey(datasetId), 'status'], (before: PatternStatus | undefined) =>
          before ? { ...before, state: progress.state, rowsDone: progress.rowsDone, rowsTotal: progress.rowsTotal } : before,
        );
        const now = Date.now();
        if (progress.state !== 'mining' || now - lastRefresh.current > refreshWhileMiningMs) {
          lastRefresh.current = now;
          void client.invalidateQueries({ queryKey: patternsKey(datasetId) });
        }
      }),
    [api, client, datasetId],
  );
  return useQuery({
    queryKey: [...patternsKey(datasetId), 'status'],
    queryFn: ({ signal }) => api.call('patterns.status', { datasetId }, { signal }),
  });
}

export function usePatternList(datasetId: number, range: PatternRange | null, search: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...patternsKey(datasetId), 'list', range, search],
    queryFn: ({ signal }) =>
      api.call('patterns.list', { datasetId, range, search: search.trim() || null, limit: 200, sparklineBuckets: 24 }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function usePatternRows(datasetId: number, patternId: number | null, range: PatternRange | null, page: number, pageSize: number) {
  const api = useApi();
  return useQuery({
    queryKey: [...patternsKey(datasetId), 'rows', patternId, range, page, pageSize],
    queryFn: ({ signal }) => api.call('patterns.rows', { datasetId, patternId: patternId!, range, offset: page * pageSize, limit: pageSize }, { signal }),
    enabled: patternId !== null,
    placeholderData: keepPreviousData,
  });
}
