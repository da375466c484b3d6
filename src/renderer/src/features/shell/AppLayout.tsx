import { useEffect, useState } from 'react';
import { AppShell, Box, Group, Title, Text, Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Settings } from '@shared/api/contract';
import { useApi } from '../../app/api';
import { effectiveTimeZone } from '../../app/time';
import { DatasetList } from '../datasets/DatasetList';
import { DatasetView } from '../datasets/DatasetView';
import { useDatasets } from '../datasets/useDatasets';
import { PreferencesMenu } from './PreferencesMenu';
import { MailNavSection, useMailRoute } from '../mail/MailNav';
import { ImportLauncher } from '../imports/ImportLauncher';
import { ConsoleNavLink, useConsoleRoute } from '../console/ConsoleNav';
import { JobsNavSection, useJobsRoute } from '../jobs/JobsNav';
import { EnginesNavLink, useEnginesRoute } from '../engines/EnginesNav';
import { EnginesScreen, JobsScreen, MailScreen, SqlConsole } from '../../app/lazy';

/** The selected dataset lives in the URL hash, so a reload keeps it. */
function useSelectedDataset(): [number | null, (id: number) => void] {
  const read = () => {
    const match = /^#\/datasets\/(\d+)/.exec(location.hash);
    return match ? Number(match[1]) : null;
  };
  const [selected, setSelected] = useState<number | null>(read);
  useEffect(() => {
    const onHash = () => setSelected(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [selected, (id) => (location.hash = `#/datasets/${id}`)];
}

export function AppLayout({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const api = useApi();
  const datasets = useDatasets();
  const [selected, select] = useSelectedDataset();
  const mailOpen = useMailRoute();
  const consoleOpen = useConsoleRoute();
  const jobsOpen = useJobsRoute();
  const enginesOpen = useEnginesRoute();
  const [waitingFor, setWaitingFor] = useState<string | null>(null);
  const zone = effectiveTimeZone(settings.timeZone);

  useEffect(
    () => api.on('app.status', (status) => setWaitingFor(status.state === 'waiting_for_owner' ? (status.message ?? '') : null)),
    [api],
  );

  const list = datasets.data ?? [];
  const current = list.find((d) => d.id === selected) ?? list[0] ?? null;

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 300, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs" align="baseline">
            <Title order={3}>{t('app.title')}</Title>
            <Text c="dimmed" size="sm">
              {t('app.tagline')}
            </Text>
          </Group>
          <PreferencesMenu zone={zone} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Box mb="sm">
          <ImportLauncher datasets={list} zone={zone} />
        </Box>
        <Box style={{ flex: 1, minHeight: 0 }}>
          <DatasetList datasets={list} loading={datasets.isLoading} selectedId={mailOpen || consoleOpen || jobsOpen || enginesOpen ? null : (current?.id ?? null)} onSelect={select} zone={zone} />
        </Box>
        <ConsoleNavLink active={consoleOpen} />
        <MailNavSection active={mailOpen} />
        <JobsNavSection active={jobsOpen} />
        <EnginesNavLink active={enginesOpen} />
      </AppShell.Navbar>
      <AppShell.Main h="100dvh">
        {waitingFor !== null && (
          <Alert color="yellow" mb="md">
            {t('app.waitingForOwner', { pid: waitingFor })}
          </Alert>
        )}
        {enginesOpen ? (
          <EnginesScreen />
        ) : jobsOpen ? (
          <JobsScreen zone={zone} datasets={list} />
        ) : consoleOpen ? (
          <SqlConsole
            zone={zone}
            defaultTable={current?.name ?? null}
            defaultEngine={current?.engine ?? null}
            initialSql={current ? `SELECT *\nFROM ${current.name}\nLIMIT 100` : 'SELECT 42'}
          />
        ) : mailOpen ? (
          <MailScreen zone={zone} />
        ) : current ? (
          <DatasetView key={current.id} dataset={current} zone={zone} />
        ) : (
          <Text c="dimmed">{t('datasets.selectPrompt')}</Text>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
