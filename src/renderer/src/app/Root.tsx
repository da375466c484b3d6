import { useEffect, useState } from 'react';
import { MantineProvider, createTheme, Loader, Center } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useMediaQuery } from '@mantine/hooks';
import type { Api } from '@shared/api/client';
import { ApiProvider, useApi } from './api';
import { initI18n, languageFor } from './i18n';
import { AppLayout } from '../features/shell/AppLayout';

const theme = createTheme({
  primaryColor: 'indigo',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK KR", monospace',
});

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 } },
});

export function Root({ api }: { api: Api }) {
  return (
    <ApiProvider api={api}>
      <QueryClientProvider client={queryClient}>
        <Themed />
      </QueryClientProvider>
    </ApiProvider>
  );
}

/** Settings come from the main process (not localStorage: browser mode changes origin each run). */
function Themed() {
  const api = useApi();
  const settings = useQuery({ queryKey: ['settings'], queryFn: ({ signal }) => api.call('settings.get', {}, { signal }) });
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [i18nReady, setI18nReady] = useState(false);

  useEffect(() => {
    if (!settings.data || i18nReady) return;
    void initI18n(languageFor(settings.data.language)).then(() => setI18nReady(true));
  }, [settings.data, i18nReady]);

  const scheme = settings.data?.theme === 'dark' || (settings.data?.theme !== 'light' && prefersDark) ? 'dark' : 'light';
  return (
    <MantineProvider theme={theme} forceColorScheme={scheme}>
      <Notifications position="bottom-right" />
      {settings.data && i18nReady ? (
        <AppLayout settings={settings.data} />
      ) : (
        <Center h="100%">
          <Loader />
        </Center>
      )}
    </MantineProvider>
  );
}
