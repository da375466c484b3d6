import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CustomChartQueryInput, CustomChartSpecInput } from '@shared/charts/customSpec';
import type { DashboardLayout, SavedDashboard } from '@shared/charts/layout';
import { newCustomChartId } from '@shared/charts/layoutItems';
import { useApi } from '../../app/api';
import { dashboardKey } from './useDashboard';

/** Saved dashboards, custom charts and the chart builder's preview, over the `dashboards.*` calls. */

/**
 * Not under `dashboardKey`: imports refresh the charts' data, but the layout is this window's
 * own state, and a refetch racing a pending save would bring back the older one.
 */
export const savedDashboardKey = (datasetId: number) => ['dashboards', 'saved', datasetId] as const;

export function useSavedDashboard(datasetId: number) {
  const api = useApi();
  return useQuery({
    queryKey: savedDashboardKey(datasetId),
    queryFn: ({ signal }) => api.call('dashboards.get', { datasetId }, { signal }),
    // The layout is this window's state once loaded; it is written, not re-read behind the user's back.
    staleTime: Infinity,
  });
}

export type SaveState = 'saved' | 'saving' | 'failed';

/**
 * Keeps a dashboard's layout saved: every change goes into the query cache at once (so the
 * tab shows it when reopened) and to the owner after a short pause, so typing in the search
 * does not write the catalogue on every key. A pending write is sent when the dashboard closes.
 */
export function useLayoutAutosave(datasetId: number, layout: DashboardLayout) {
  const api = useApi();
  const client = useQueryClient();
  const [state, setState] = useState<SaveState>('saved');
  const [error, setError] = useState<unknown>(null);
  const first = useRef(true);
  const pending = useRef<DashboardLayout | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    const next = pending.current;
    if (!next) return;
    pending.current = null;
    setState('saving');
    api.call('dashboards.save', { datasetId, layout: next }).then(
      (saved) => {
        client.setQueryData(savedDashboardKey(datasetId), saved);
        if (!pending.current) setState('saved');
        setError(null);
      },
      (caught: unknown) => {
        setState('failed');
        setError(caught);
      },
    );
  }, [api, client, datasetId]);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    pending.current = layout;
    setState('saving');
    client.setQueryData<SavedDashboard>(savedDashboardKey(datasetId), (old) => (old ? { ...old, layout, saved: true } : old));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, 400);
  }, [layout, client, datasetId, flush]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      flush();
    },
    [flush],
  );

  return { state, error };
}

export function useResetDashboard(datasetId: number) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.call('dashboards.reset', { datasetId }),
    onSuccess: (saved) => client.setQueryData(savedDashboardKey(datasetId), saved),
  });
}

export function useCopyDashboard(datasetId: number) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (toDatasetId: number) => api.call('dashboards.copy', { datasetId, toDatasetId }),
    onSuccess: (saved) => client.setQueryData(savedDashboardKey(saved.datasetId), saved),
  });
}

/** Adds a chart to a dashboard that is not open here (the SQL console's "chart this result"). */
export function useAddChart() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { datasetId: number; title: string; spec: CustomChartSpecInput }) => api.call('dashboards.addChart', input),
    onSuccess: (saved) => client.setQueryData(savedDashboardKey(saved.datasetId), saved),
  });
}

/** One custom chart's data; a new query is a new key, and the superseded request is cancelled. */
export function useCustomChart(query: CustomChartQueryInput | null) {
  const api = useApi();
  return useQuery({
    queryKey: [...dashboardKey, 'custom', query?.datasetId, query],
    enabled: query !== null,
    queryFn: ({ signal }) => api.call('dashboards.chart', query!, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export const newChartId = (): string => newCustomChartId(Date.now(), Math.random());
