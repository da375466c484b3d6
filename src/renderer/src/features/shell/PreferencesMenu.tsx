import { ActionIcon, Group, Popover, SegmentedControl, Select, Tooltip, Button, useComputedColorScheme } from '@mantine/core';
import { IconMoon, IconSun, IconWorld } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '@shared/api/contract';
import { useUpdateSettings } from '../../app/useSettings';
import { describeZone } from '../../app/time';
import { runtimeTimeZoneChoices } from '@shared/time/zones';


/** Language, theme and the time zone times are shown in: always visible in the header. */
export function PreferencesMenu({ zone }: { zone: string }) {
  const { t, i18n } = useTranslation();
  const update = useUpdateSettings();
  const dark = useComputedColorScheme('light') === 'dark';

  return (
    <Group gap="sm">
      <Popover position="bottom-end" withArrow shadow="md">
        <Popover.Target>
          {/* The name starts with what the button shows (WCAG 2.5.3, "label in name") and says what it sets. */}
          <Button variant="subtle" size="xs" leftSection={<IconWorld size={16} />} aria-label={`${t('settings.timesShownIn', { zone: describeZone(zone) })} · ${t('settings.timeZone')}`}>
            {t('settings.timesShownIn', { zone: describeZone(zone) })}
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <Select
            label={t('settings.timeZone')}
            searchable
            data={runtimeTimeZoneChoices(zone)}
            value={zone}
            onChange={(value) => value && update.mutate({ timeZone: value })}
            comboboxProps={{ withinPortal: false }}
            w={260}
          />
        </Popover.Dropdown>
      </Popover>
      <SegmentedControl
        size="xs"
        aria-label={t('settings.language')}
        value={i18n.language}
        onChange={(value) => update.mutate({ language: value as Settings['language'] })}
        data={[
          { value: 'ko', label: '한국어' },
          { value: 'en', label: 'English' },
        ]}
      />
      <Tooltip label={t('settings.theme')}>
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={dark ? t('settings.themeLight') : t('settings.themeDark')}
          onClick={() => update.mutate({ theme: dark ? 'light' : 'dark' })}
        >
          {dark ? <IconSun size={18} /> : <IconMoon size={18} />}
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
