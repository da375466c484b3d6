import { useEffect, useState } from 'react';
import { NavLink, Stack, Title } from '@mantine/core';
import { IconMailDown } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export const mailHash = '#/mail';

/** Whether the mail screen is open: it lives in the URL hash, like the selected dataset. */
export function useMailRoute(): boolean {
  const [open, setOpen] = useState(() => location.hash.startsWith(mailHash));
  useEffect(() => {
    const onHash = () => setOpen(location.hash.startsWith(mailHash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return open;
}

/** The "Collect" section of the navigation, below the datasets. */
export function MailNavSection({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Title order={6} c="dimmed" tt="uppercase" px="xs">
        {t('nav.collect')}
      </Title>
      <nav aria-label={t('nav.collect')}>
        <NavLink
          active={active}
          href={mailHash}
          label={t('nav.mailboxes')}
          leftSection={<IconMailDown size={16} />}
          data-testid="nav-mailboxes"
        />
      </nav>
    </Stack>
  );
}
