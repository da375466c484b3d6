import { NavLink } from '@mantine/core';
import { IconServer2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useHashRoute } from '../../app/route';

export const enginesHash = '#/engines';

export const useEnginesRoute = (): boolean => useHashRoute(enginesHash);

export function EnginesNavLink({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return <NavLink active={active} href={enginesHash} label={t('engines.nav')} leftSection={<IconServer2 size={16} />} data-testid="nav-engines" />;
}
