import { Button, Menu } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export type ExportFormat = 'csv' | 'jsonl';

/** The "export as CSV / JSON lines" menu of a grid of rows (the Rows tab, the SQL console). */
export function ExportMenu({
  label,
  onExport,
  exporting,
  disabled = false,
  size = 'sm',
  testId,
}: {
  label: string;
  onExport: (format: ExportFormat) => void;
  exporting: boolean;
  disabled?: boolean;
  size?: 'xs' | 'sm';
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size={size} variant="default" leftSection={<IconDownload size={size === 'xs' ? 14 : 16} />} loading={exporting} disabled={disabled} data-testid={testId}>
          {label}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onExport('csv')}>{t('rowsView.export.csv')}</Menu.Item>
        <Menu.Item onClick={() => onExport('jsonl')}>{t('rowsView.export.jsonl')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
