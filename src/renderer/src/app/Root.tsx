import { useEffect, useMemo, useState } from 'react';
import { MantineProvider, createTheme, Loader, Center, Modal, type CSSVariablesResolver } from '@mantine/core';
import i18next from 'i18next';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useMediaQuery } from '@mantine/hooks';
import type { Api } from '@shared/api/client';
import { ApiProvider, useApi } from './api';
import { initI18n, languageFor } from './i18n';
import { AppLayout } from '../features/shell/AppLayout';

/** Every modal's close button is named in the user's language (Mantine's has no text of its own). */
const themeFor = (closeLabel: string) =>
  createTheme({
    primaryColor: 'indigo',
    // Shade 7 in light: indigo text on white and white on indigo both reach 4.5:1 (WCAG AA); shade 6 does not.
    primaryShade: { light: 7, dark: 8 },
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", sans-serif',
    fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK KR", monospace',
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } }),
    },
  });

/** Mantine's dimmed grey (gray.6 on white, 3.3:1) is too faint for the small text it is used for. */
const contrastResolver: CSSVariablesResolver = () => ({
  variables: {},
  // …and so is indigo on its own tint, the text of light and subtle buttons and of the active
  // navigation link: a darker text on a paler tint keeps 4.5:1, hovered too.
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      ['--mantine-primary-color', '--mantine-color-indigo'].flatMap((prefix) => [
        [`${prefix}-light`, 'var(--mantine-color-indigo-0)'],
        [`${prefix}-light-hover`, 'var(--mantine-color-indigo-1)'],
        [`${prefix}-light-color`, 'var(--mantine-color-indigo-9)'],
      ]),
    ),
  },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
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

  // i18next directly, not useTranslation: the theme is made before i18n has started.
  const [language, setLanguage] = useState(i18next.language);
  useEffect(() => {
    i18next.on('languageChanged', setLanguage);
    return () => i18next.off('languageChanged', setLanguage);
  }, []);
  const theme = useMemo(() => themeFor(i18nReady ? i18next.t('common.close', { lng: language }) : ''), [i18nReady, language]);
  const scheme = settings.data?.theme === 'dark' || (settings.data?.theme !== 'light' && prefersDark) ? 'dark' : 'light';
  return (
    <MantineProvider theme={theme} forceColorScheme={scheme} cssVariablesResolver={contrastResolver}>
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
