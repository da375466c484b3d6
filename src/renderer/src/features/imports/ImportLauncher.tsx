import { useCallback, useRef, useState } from 'react';
import { Button, Overlay, Stack, Text, Title } from '@mantine/core';
import { IconFileImport, IconUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { ImportDialog } from '../../app/lazy';
import { useFileDrop } from './useFileDrop';

/** The ways files come in: dropped anywhere on the window, or chosen with a button. */
export function ImportLauncher({ datasets, zone }: { datasets: DatasetSummary[]; zone: string }) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[] | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const onFiles = useCallback((dropped: File[]) => setFiles(dropped), []);
  const dragging = useFileDrop(onFiles);

  return (
    <>
      <Button variant="light" leftSection={<IconFileImport size={16} />} onClick={() => input.current?.click()} fullWidth>
        {t('imports.open')}
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="import-file-input"
        onChange={(event) => {
          const chosen = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          if (chosen.length) setFiles(chosen);
        }}
      />
      {dragging && (
        <Overlay fixed zIndex={400} backgroundOpacity={0.55} blur={2} center>
          <Stack align="center" gap="xs" c="white">
            <IconUpload size={56} />
            <Title order={2}>{t('imports.dropTitle')}</Title>
            <Text>{t('imports.dropHint')}</Text>
          </Stack>
        </Overlay>
      )}
      {files && <ImportDialog files={files} datasets={datasets} zone={zone} onClose={() => setFiles(null)} />}
    </>
  );
}
