import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api';

export const datasetsKey = ['datasets'] as const;

/** The dataset list, refreshed whenever the owner says datasets changed (also after a `logscope import`). */
export function useDatasets() {
  const api = useApi();
  const client = useQueryClient();
  useEffect(
    () =>
      api.on('datasets.changed', () => {
        void client.invalidateQueries({ queryKey: datasetsKey });
        void client.invalidateQueries({ queryKey: ['rows'] });
      }),
    [api, client],
  );
  return useQuery({ queryKey: datasetsKey, queryFn: ({ signal }) => api.call('datasets.list', {}, { signal }) });
}
