import { useState } from 'react';
import { Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconAdjustments } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { columnLabel, samePath } from '@shared/charts/columns';
import { columnFitsRole } from '@shared/charts/roles';
import type { DashboardRoles, DurationUnit, RoleName, Roles } from '@shared/charts/spec';
import { roleColumn, roleNames } from '@shared/charts/names';
import { useErrorText } from '../../ui/useErrorText';
import { useSetRoles } from './useDashboard';

const units: DurationUnit[] = ['ns', 'us', 'ms', 's'];

/** Which column plays which role: shown as badges, changed in a dialog, kept per dataset. */
export function RolesPanel({ roles }: { roles: DashboardRoles }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Group gap={6} wrap="wrap" data-testid="dashboard-roles">
      <Text size="xs" fw={600}>
        {t('dashboard.roles.title')}
      </Text>
      <Badge size="xs" variant="outline" color={roles.custom ? 'indigo' : 'gray'}>
        {roles.custom ? t('dashboard.roles.custom') : t('dashboard.roles.detected')}
      </Badge>
      {roleNames.map((role) => {
        const path = roleColumn(roles.roles, role);
        if (!path) return null;
        return (
          <Badge key={role} size="sm" variant="light" color="gray" tt="none" data-testid={`role-${role}`}>
            {t(`dashboard.roles.${role}`)}: {columnLabel(path)}
            {role === 'duration' && roles.roles.duration ? ` (${roles.roles.duration.unit})` : ''}
          </Badge>
        );
      })}
      <Button size="compact-xs" variant="subtle" leftSection={<IconAdjustments size={14} />} onClick={() => setOpen(true)}>
        {t('dashboard.roles.edit')}
      </Button>
      {open && <RolesDialog roles={roles} onClose={() => setOpen(false)} />}
    </Group>
  );
}

function RolesDialog({ roles, onClose }: { roles: DashboardRoles; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const save = useSetRoles(roles.datasetId);
  const [draft, setDraft] = useState<Roles>(roles.roles);

  const options = (role: RoleName) => [
    { value: '', label: t('dashboard.roles.none') },
    ...roles.columns
      .filter((c) => columnFitsRole(role, c.type))
      .map((c) => ({ value: JSON.stringify(c.path), label: `${columnLabel(c.path)} · ${c.type}` })),
  ];

  const setRole = (role: RoleName, value: string | null) => {
    const path = value ? (JSON.parse(value) as string[]) : null;
    setDraft((d) => {
      if (role === 'duration') {
        if (!path) return { ...d, duration: null };
        const unit = samePath(roles.detected.duration?.column, path) ? roles.detected.duration!.unit : (d.duration?.unit ?? 'ms');
        return { ...d, duration: { column: path, unit } };
      }
      return { ...d, [role]: path };
    });
  };

  const submit = (value: Roles | null) => save.mutate(value, { onSuccess: onClose });

  return (
    <Dialog opened onClose={onClose} title={t('dashboard.roles.editTitle')} size="lg">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('dashboard.roles.help')}
        </Text>
        {roleNames.map((role) => {
          const path = roleColumn(draft, role);
          return (
            <Group key={role} grow align="flex-end">
              <Select
                label={t(`dashboard.roles.${role}`)}
                data={options(role)}
                value={path ? JSON.stringify(path) : ''}
                onChange={(value) => setRole(role, value)}
                allowDeselect={false}
                searchable
                comboboxProps={{ withinPortal: true }}
                data-testid={`role-select-${role}`}
              />
              {role === 'duration' && (
                <Select
                  label={t('dashboard.roles.unit')}
                  data={units}
                  value={draft.duration?.unit ?? 'ms'}
                  disabled={!draft.duration}
                  onChange={(value) => value && draft.duration && setDraft({ ...draft, duration: { ...draft.duration, unit: value as DurationUnit } })}
                  allowDeselect={false}
                  maw={120}
                />
              )}
            </Group>
          );
        })}
        {save.error && (
          <Text c="red" size="sm">
            {errorText(save.error)}
          </Text>
        )}
        <Group justify="space-between" mt="sm">
          <Button variant="subtle" onClick={() => submit(null)} loading={save.isPending} disabled={!roles.custom}>
            {t('dashboard.roles.reset')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => submit(draft)} loading={save.isPending}>
              {t('dashboard.roles.save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Dialog>
  );
}
