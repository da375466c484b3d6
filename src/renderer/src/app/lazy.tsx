import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * Screens and dialogs that the dashboard's first paint does not need, each in its own
 * chunk, loaded the first time it is shown (the SQL console brings CodeMirror, the rows
 * tab the virtual grid…). They keep the names of the components they stand for, so a
 * caller imports `SqlConsole` from here instead of from its feature folder.
 * `npm run bench -- bundle` measures what the dashboard loads without them, and
 * test/integration/rendererChunks.test.ts checks the build keeps them apart.
 */

type Place = 'screen' | 'dialog';

/** Announced to screen readers while a chunk loads; a dialog's spinner floats over the page. */
function Loading({ place }: { place: Place }) {
  const { t } = useTranslation();
  const body = (
    <Group gap="xs" role="status" aria-live="polite" data-testid="lazy-loading">
      <Loader size="sm" aria-hidden />
      <Text size="sm" c="dimmed">
        {t('app.loadingScreen')}
      </Text>
    </Group>
  );
  if (place === 'dialog') {
    return <div style={{ position: 'fixed', inset: 0, display: 'grid', placeItems: 'center', pointerEvents: 'none', zIndex: 300 }}>{body}</div>;
  }
  return (
    <Center h="100%" mih={120}>
      {body}
    </Center>
  );
}

function LoadFailed({ retry }: { retry: () => void }) {
  const { t } = useTranslation();
  return (
    <Center h="100%" mih={120}>
      <Stack align="center" gap="xs" role="alert">
        <Text size="sm">{t('app.screenFailed')}</Text>
        <Button size="xs" variant="default" onClick={retry}>
          {t('app.reload')}
        </Button>
      </Stack>
    </Center>
  );
}

/**
 * A chunk that fails to load (the app was updated under an open window, browser mode's
 * server restarted) says so and offers a reload instead of leaving a blank screen.
 */
class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <LoadFailed retry={() => location.reload()} /> : this.props.children;
  }
}

function deferred<P extends object>(load: () => Promise<ComponentType<P>>, place: Place): ComponentType<P> {
  const Lazy = lazy(async () => ({ default: await load() })) as unknown as ComponentType<P>;
  function Deferred(props: P) {
    return (
      <ChunkBoundary>
        <Suspense fallback={<Loading place={place} />}>
          <Lazy {...props} />
        </Suspense>
      </ChunkBoundary>
    );
  }
  return Deferred;
}

// Screens reached from the navigation bar.
export const SqlConsole = deferred(() => import('../features/console/SqlConsole').then((m) => m.SqlConsole), 'screen');
export const MailScreen = deferred(() => import('../features/mail/MailScreen').then((m) => m.MailScreen), 'screen');
export const JobsScreen = deferred(() => import('../features/jobs/JobsScreen').then((m) => m.JobsScreen), 'screen');
export const EnginesScreen = deferred(() => import('../features/engines/EnginesScreen').then((m) => m.EnginesScreen), 'screen');

// A dataset's tabs other than the dashboard.
export const FilteredRows = deferred(() => import('../features/datasets/FilteredRows').then((m) => m.FilteredRows), 'screen');
export const PatternsTab = deferred(() => import('../features/patterns/PatternsTab').then((m) => m.PatternsTab), 'screen');
export const SourcesPanel = deferred(() => import('../features/imports/SourcesPanel').then((m) => m.SourcesPanel), 'screen');
export const RejectsPanel = deferred(() => import('../features/imports/SourcesPanel').then((m) => m.RejectsPanel), 'screen');

// A table chart's grid (it brings the virtual scroller).
export const DataGrid = deferred(() => import('../ui/DataGrid').then((m) => m.DataGrid), 'screen');

// Dialogs and panels opened from a button.
export const ChartBuilder = deferred(() => import('../features/dashboard/ChartBuilder').then((m) => m.ChartBuilder), 'dialog');
export const ArrangePanel = deferred(() => import('../features/dashboard/ArrangePanel').then((m) => m.ArrangePanel), 'dialog');
export const ImportDialog = deferred(() => import('../features/imports/ImportDialog').then((m) => m.ImportDialog), 'dialog');
export const ReportSettingsDialog = deferred(() => import('../features/report/ReportSettingsDialog').then((m) => m.ReportSettingsDialog), 'dialog');
export const ReportPreviewDialog = deferred(() => import('../features/report/ReportDialogs').then((m) => m.ReportPreviewDialog), 'dialog');
export const ReportHistoryDialog = deferred(() => import('../features/report/ReportDialogs').then((m) => m.ReportHistoryDialog), 'dialog');
