import { NavLink } from '@mantine/core';
import { IconTerminal2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useHashRoute } from '../../app/route';

export const consoleHash = '#/sql';

export const useConsoleRoute = (): boolean => useHashRoute(consoleHash);

export function ConsoleNavLink({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return <NavLink active={active} href={consoleHash} label={t('nav.console')} leftSection={<IconTerminal2 size={16} />} data-testid="nav-console" />;
}
