import { Alert, Badge, Button, Center, Group, Loader, ScrollArea, Stack, Table, Tabs, Text } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconSettings } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReportSend } from '@shared/api/contract/report';
import type { Input } from '@shared/api/contract';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { recordedError, useReportHistory } from './useReport';

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`);

/**
 * Exactly what "Send report" sends: sender, recipients, subject, the HTML part (shown in a
 * sandboxed frame that runs nothing, its `cid:` charts as data), the plain text and the
 * attachments with their sizes. With no report set up yet (no account, no recipients) it
 * shows the report of the dashboard's view all the same, and offers the mail set-up.
 */
export function ReportPreviewDialog({ request, onClose, onSetUp }: { request: Input<'reports.preview'>; onClose: () => void; onSetUp: (() => void) | null }) {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const preview = useQuery({
    queryKey: ['reports', 'preview', request],
    queryFn: ({ signal }) => api.call('reports.preview', request, { signal }),
    staleTime: 0,
    gcTime: 0,
  });
  const data = preview.data;
  return (
    <Dialog opened onClose={onClose} title={t('report.previewTitle')} size={760} data-testid="report-preview">
      {preview.error ? (
        <Alert color="red">{errorText(preview.error)}</Alert>
      ) : !data ? (
        <Center h={200}>
          <Loader />
        </Center>
      ) : (
        <Stack gap="xs">
          {onSetUp && (
            <Alert color="blue" data-testid="report-not-set-up">
              <Group justify="space-between" gap="xs">
                <Text size="sm">{t('report.notSetUp')}</Text>
                <Button size="xs" variant="light" leftSection={<IconSettings size={14} />} onClick={onSetUp}>
                  {t('report.setUpMail')}
                </Button>
              </Group>
            </Alert>
          )}
          <Table fz="sm" withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={120}>{t('report.previewFrom')}</Table.Th>
                <Table.Td>{data.from ?? '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('report.previewTo')}</Table.Th>
                <Table.Td>{data.to.join(', ')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('report.previewSubject')}</Table.Th>
                <Table.Td data-testid="report-preview-subject">{data.subject}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Tabs defaultValue="html">
            <Tabs.List>
              <Tabs.Tab value="html">{t('report.previewHtml')}</Tabs.Tab>
              <Tabs.Tab value="text">{t('report.previewText')}</Tabs.Tab>
              <Tabs.Tab value="attachments">
                {t('report.previewAttachments')} ({data.attachments.length})
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="html" pt="xs">
              {/* An empty sandbox: no scripts, no forms, no same-origin access; the HTML has none anyway. */}
              <iframe title={t('report.previewHtml')} sandbox="" srcDoc={data.html} style={{ width: '100%', height: '60vh', border: '1px solid var(--mantine-color-default-border)' }} data-testid="report-preview-frame" />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="xs">
              <ScrollArea h="60vh">
                <Text component="pre" ff="monospace" fz="xs" style={{ whiteSpace: 'pre-wrap' }}>
                  {data.text}
                </Text>
              </ScrollArea>
            </Tabs.Panel>
            <Tabs.Panel value="attachments" pt="xs">
              <Table fz="sm" striped>
                <Table.Tbody>
                  {data.attachments.map((a) => (
                    <Table.Tr key={`${a.fileName}-${a.inline}`}>
                      <Table.Td ff="monospace">{a.fileName}</Table.Td>
                      <Table.Td>{a.contentType}</Table.Td>
                      <Table.Td ta="right">{sizeText(a.bytes)}</Table.Td>
                      <Table.Td>{a.inline ? <Badge variant="light">{t('report.inline')}</Badge> : null}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Tabs.Panel>
          </Tabs>
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('report.previewSize', { size: sizeText(data.bytes) })}
            </Text>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconCopy size={14} />}
              data-testid="report-copy"
              onClick={() =>
                void navigator.clipboard.writeText(data.text).then(
                  () => notifications.show({ message: t('report.copied') }),
                  (error: unknown) => notifications.show({ color: 'red', message: t('report.copyFailed', { message: errorText(error) }) }),
                )
              }
            >
              {t('report.copyText')}
            </Button>
          </Group>
        </Stack>
      )}
    </Dialog>
  );
}

export function OutcomeBadge({ outcome }: { outcome: ReportSend['outcome'] }) {
  const { t } = useTranslation();
  const color = outcome === 'sent' ? 'green' : outcome === 'failed' ? 'red' : 'yellow';
  return (
    <Badge color={color} variant="light">
      {t(`report.outcome_${outcome}`)}
    </Badge>
  );
}

/** Every message sent for the report (and alerts and test messages): to whom, when, how it went. */
export function ReportHistoryDialog({ reportId, zone, onClose }: { reportId: number | null; zone: string; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const history = useReportHistory(reportId, true);
  return (
    <Dialog opened onClose={onClose} title={t('report.historyTitle')} size="xl" data-testid="report-history">
      {history.error && <Alert color="red">{errorText(history.error)}</Alert>}
      {history.data?.length === 0 && <Text c="dimmed">{t('report.historyEmpty')}</Text>}
      {history.data && history.data.length > 0 && (
        <Table fz="sm" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('report.historyWhen')}</Table.Th>
              <Table.Th>{t('report.historyWhat')}</Table.Th>
              <Table.Th>{t('report.historyTo')}</Table.Th>
              <Table.Th>{t('report.historyOutcome')}</Table.Th>
              <Table.Th>{t('report.historyServerId')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.data.map((sent) => (
              <Table.Tr key={sent.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatInstant(sent.finishedAt, zone, false)}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Badge variant="outline" color="gray">
                      {t(`report.kind_${sent.kind}`)}
                    </Badge>
                    <Text size="sm">{sent.subject}</Text>
                  </Group>
                </Table.Td>
                <Table.Td>{sent.recipients.join(', ')}</Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    <OutcomeBadge outcome={sent.outcome} />
                    {sent.error && (
                      <Text size="xs" c="dimmed">
                        {errorText(recordedError(sent.error))}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td ff="monospace" fz="xs">
                  {sent.serverMessageId ?? sent.response ?? '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Dialog>
  );
}
