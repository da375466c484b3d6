import { NavLink, Stack, Title } from '@mantine/core';
import { IconClockPlay } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useHashRoute } from '../../app/route';

export const jobsHash = '#/jobs';

export const useJobsRoute = (): boolean => useHashRoute(jobsHash);

/** The "Automate" section of the navigation. */
export function JobsNavSection({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Title order={6} c="dimmed" tt="uppercase" px="xs">
        {t('nav.automate')}
      </Title>
      <nav aria-label={t('nav.automate')}>
        <NavLink active={active} href={jobsHash} label={t('nav.jobs')} leftSection={<IconClockPlay size={16} />} data-testid="nav-jobs" />
      </nav>
    </Stack>
  );
}
