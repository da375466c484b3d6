import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Settings } from '@shared/api/contract';
import { useApi } from './api';
import { changeLanguage, languageFor } from './i18n';

export function useUpdateSettings() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Settings>) => api.call('settings.update', patch),
    onSuccess: async (settings) => {
      client.setQueryData(['settings'], settings);
      await changeLanguage(languageFor(settings.language));
    },
  });
}
