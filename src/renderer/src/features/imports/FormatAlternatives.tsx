import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FilePreview, ImportFormat } from '@shared/api/contract/imports';

const percentOf = (share: number) => Math.floor(share * 100);

/**
 * When more than a few sample lines do not fit the chosen format: how many do, and the
 * other formats the file could be read as, each a button that previews it so.
 */
export function FormatAlternatives({ preview, onChoose }: { preview: FilePreview; onChoose: (format: ImportFormat) => void }) {
  const { t } = useTranslation();
  if (preview.alternatives.length === 0) return null;
  return (
    <Group gap="xs" data-testid="format-alternatives">
      <Text size="sm">{t('imports.fits', { percent: percentOf(preview.fits), format: preview.format.toUpperCase() })}</Text>
      <Text size="sm" c="dimmed">
        {t('imports.couldAlsoBe')}
      </Text>
      {preview.alternatives.map((a) => (
        <Button key={a.format} size="compact-xs" variant="light" onClick={() => onChoose(a.format)}>
          {t('imports.readAs', { format: a.format.toUpperCase(), percent: percentOf(a.fits) })}
        </Button>
      ))}
    </Group>
  );
}
