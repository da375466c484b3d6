import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Overlay, Stack, Text, Title } from '@mantine/core';
import { IconFileImport, IconUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { ImportDialog } from '../../app/lazy';
import { useApi } from '../../app/api';
import { sourceOfFile, type ImportSource } from './fileRefs';
import { useFileDrop } from './useFileDrop';
import { useImportJobs } from './useImportJobs';
import { ImportJobsPanel } from './ImportJobsPanel';

/**
 * The ways files come in: dropped anywhere on the window, chosen with a button, or opened from
 * the operating system (a double-click on a log file, a second launch with files); and the
 * imports they started, going on in the background.
 */
export function ImportLauncher({ datasets, zone }: { datasets: DatasetSummary[]; zone: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const [files, setFiles] = useState<ImportSource[] | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const onFiles = useCallback((dropped: File[]) => setFiles(dropped.map(sourceOfFile)), []);
  const dragging = useFileDrop(onFiles);
  const jobs = useImportJobs();

  useEffect(() => {
    const takeOpened = async () => {
      const opened = await api.call('app.openedFiles.take', {});
      if (opened.length) setFiles((shown) => [...(shown ?? []), ...opened.map((file): ImportSource => ({ kind: 'path', ...file }))]);
    };
    void takeOpened();
    return api.on('app.filesOpened', () => void takeOpened());
  }, [api]);

  return (
    <>
      <Button variant="light" leftSection={<IconFileImport size={16} />} onClick={() => input.current?.click()} fullWidth>
        {t('imports.open')}
      </Button>
      <Text size="xs" c="dimmed" ta="center" mt={4}>
        {t('imports.dropAnywhere')}
      </Text>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="import-file-input"
        onChange={(event) => {
          const chosen = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          if (chosen.length) setFiles(chosen.map(sourceOfFile));
        }}
      />
      {dragging && (
        <Overlay fixed zIndex={400} backgroundOpacity={0.55} blur={2} center>
          <Stack align="center" gap="xs" c="white">
            <IconUpload size={56} />
            <Title order={2}>{t('imports.dropTitle')}</Title>
            <Text maw={560} ta="center">
              {t('imports.dropHint')}
            </Text>
          </Stack>
        </Overlay>
      )}
      <ImportJobsPanel state={jobs} onOpenDataset={(id) => (location.hash = `#/datasets/${id}`)} />
      {files && <ImportDialog files={files} datasets={datasets} zone={zone} onStart={(requests, engine) => void jobs.start(requests, engine)} onClose={() => setFiles(null)} />}
    </>
  );
}
