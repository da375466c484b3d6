import { useCallback, useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChartQueryInput, FieldFilter, Search, Roles, StackBy, TimeRange } from '@shared/charts/spec';
import type { DatasetSummary } from '@shared/api/contract';
import { AppError, type ErrorCode } from '@shared/api/errors';
import { lastPeriod } from '@shared/report/period';
import { useApi } from '../../app/api';

export const dashboardKey = ['dashboard'] as const;

export type Period = 'all' | '24h' | '7d' | 'selected';

/** The dashboard's one filter state: every chart is queried with it. */
export interface DashboardFilterState {
  period: Period;
  range: TimeRange | null;
  filters: FieldFilter[];
  search: Search | null;
  stackBy: StackBy;
  logScale: boolean;
}

/** The report's window (`lastPeriod`), so "Last 24 h" counts the same rows here and in the report. */
function lastRange(period: '24h' | '7d', timeMax: string, zone: string): TimeRange {
  const { range } = lastPeriod(period, timeMax, new Date(), zone);
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}

const sameFilter = (a: FieldFilter, b: FieldFilter) => JSON.stringify(a) === JSON.stringify(b);

/** A saved filter state as it applies now: "the last 24 hours" of a dataset that has grown since end later. */
function restoredFilters(dataset: DatasetSummary, zone: string, saved: DashboardFilterState | undefined): DashboardFilterState {
  const initial: DashboardFilterState = saved ?? { period: 'all', range: null, filters: [], search: null, stackBy: 'auto', logScale: true };
  if ((initial.period === '24h' || initial.period === '7d') && dataset.timeMax) return { ...initial, range: lastRange(initial.period, dataset.timeMax, zone) };
  return initial;
}

export function useDashboardFilters(dataset: DatasetSummary, zone: string, saved?: DashboardFilterState) {
  const [state, setState] = useState<DashboardFilterState>(() => restoredFilters(dataset, zone, saved));

  const setPeriod = useCallback(
    (period: Period) => {
      if (period === 'all' || period === 'selected' || !dataset.timeMax) {
        setState((s) => ({ ...s, period: period === 'selected' ? s.period : 'all', range: period === 'selected' ? s.range : null }));
        return;
      }
      // Logs are history: the last day is the day before the dataset's last event.
      const range = lastRange(period, dataset.timeMax, zone);
      setState((s) => ({ ...s, period, range }));
    },
    [dataset.timeMax, zone],
  );

  return {
    state,
    setPeriod,
    /** A whole filter state at once (the one Back or a bookmark brings). */
    replace: useCallback((next: DashboardFilterState) => setState(restoredFilters(dataset, zone, next)), [dataset, zone]),
    setRange: useCallback((fromMs: number, toMs: number) => {
      setState((s) => ({ ...s, period: 'selected', range: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() } }));
    }, []),
    addFilter: useCallback((filter: FieldFilter) => {
      setState((s) => (s.filters.some((f) => sameFilter(f, filter)) ? s : { ...s, filters: [...s.filters, filter] }));
    }, []),
    removeFilter: useCallback((filter: FieldFilter) => setState((s) => ({ ...s, filters: s.filters.filter((f) => !sameFilter(f, filter)) })), []),
    clearFilters: useCallback(() => setState((s) => ({ ...s, filters: [] })), []),
    // The same search again (a restored one, re-applied after typing stops) keeps the state as it is.
    setSearch: useCallback((search: Search | null) => setState((s) => (JSON.stringify(s.search) === JSON.stringify(search) ? s : { ...s, search })), []),
    setStackBy: useCallback((stackBy: StackBy) => setState((s) => ({ ...s, stackBy })), []),
    setLogScale: useCallback((logScale: boolean) => setState((s) => ({ ...s, logScale })), []),
  };
}

export function useRoles(datasetId: number) {
  const api = useApi();
  return useQuery({
    queryKey: [...dashboardKey, 'roles', datasetId],
    queryFn: ({ signal }) => api.call('dashboard.roles', { datasetId }, { signal }),
  });
}

export function useSetRoles(datasetId: number) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (roles: Roles | null) => api.call('dashboard.setRoles', { datasetId, roles }),
    onSuccess: async (output) => {
      client.setQueryData([...dashboardKey, 'roles', datasetId], output);
      await client.invalidateQueries({ queryKey: [...dashboardKey, 'chart', datasetId] });
    },
  });
}

/**
 * One chart's data. A new filter state is a new key: the superseded request loses its
 * observer and TanStack Query aborts its signal, which cancels it on the owner (the
 * DuckDB statement is interrupted), instead of waiting for it. The previous data stays
 * on screen until the new one arrives.
 */
export function useChart(query: ChartQueryInput & { datasetId: number }) {
  const api = useApi();
  return useQuery({
    queryKey: [...dashboardKey, 'chart', query.datasetId, query],
    queryFn: ({ signal }) => api.call('dashboard.chart', query, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

/** Charts and roles follow imports into the dataset (also from a `logscope import`). */
export function useDashboardRefresh() {
  const api = useApi();
  const client = useQueryClient();
  useEffect(() => api.on('datasets.changed', () => void client.invalidateQueries({ queryKey: dashboardKey })), [api, client]);
  // Message templates are mined after the import: the patterns chart (and a template filter) follow when mining ends.
  useEffect(() => api.on('patterns.progress', (p) => p.state === 'done' && void client.invalidateQueries({ queryKey: dashboardKey })), [api, client]);
}

/**
 * A search box's text as a search to apply: checked by the owner first (terms, columns, a
 * regex compiled by DuckDB), so a bad one is a `problem` worded under the box and never a
 * failed chart or grid. `search` is null while the box is empty; it keeps the last good
 * search while a new text is checked or wrong.
 */
export function useCheckedSearch(datasetId: number, text: string, regex: boolean, onSearch: (search: Search | null) => void) {
  const api = useApi();
  const check = useQuery({
    queryKey: [...dashboardKey, 'checkSearch', datasetId, text, regex],
    queryFn: ({ signal }) => api.call('dashboard.checkSearch', { datasetId, search: { text, regex, column: null } }, { signal }),
    enabled: text !== '',
  });
  useEffect(() => {
    if (!text) onSearch(null);
    else if (check.data?.ok) onSearch({ text, regex, column: null });
  }, [text, regex, check.data, onSearch]);
  return text && check.data && !check.data.ok ? new AppError(check.data.code as ErrorCode, check.data.params) : null;
}

/** The search box applies its text after a pause in typing. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** Chart widths are rounded, so a small resize does not re-query. */
export function useRoundedWidth(width: number): number {
  return useMemo(() => Math.min(4000, Math.max(200, Math.round(width / 200) * 200 || 1000)), [width]);
}

export type DashboardFilters = ReturnType<typeof useDashboardFilters>;
