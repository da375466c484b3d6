import { useState } from 'react';
import { Button, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconEye, IconFileTypeHtml, IconFileTypePdf, IconHistory, IconMail, IconSettings } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import type { ReportDefinition, ReportSend, ReportView } from '@shared/api/contract/report';
import type { Input } from '@shared/api/contract';
import { AppError } from '@shared/api/errors';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { ReportHistoryDialog, ReportPreviewDialog, ReportSettingsDialog } from '../../app/lazy';
import { printInBrowser, recordedError, reportKeys, useReports, useSmtpAccounts } from './useReport';
import { downloadFile, downloadText } from '../dashboard/download';

/**
 * "Send report" on the dashboard: one click sends the dataset's report to its saved
 * recipients and says within seconds whether the server accepted it (with its message id)
 * or exactly why not. The first click, with nothing set up yet, opens the short set-up.
 * The menu beside it has the preview, the HTML file, the history and the settings.
 */
export function ReportButton({ dataset, zone, view }: { dataset: DatasetSummary; zone: string; view: ReportView }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const reports = useReports();
  const accounts = useSmtpAccounts();
  const [dialog, setDialog] = useState<'settings' | 'preview' | 'history' | null>(null);
  const report = reports.data?.find((r) => r.datasetId === dataset.id) ?? null;
  // Preview and file need no mail set-up: without a saved report they show the dashboard's view as a report.
  // The main process fills in the spec's defaults as it checks the input.
  const request: Input<'reports.preview'> = report ? { reportId: report.id, view } : { spec: { datasetId: dataset.id, period: { kind: 'dashboard' }, zone, language: i18n.language === 'ko' ? 'ko' : 'en' }, view };

  const announce = (sent: ReportSend) => {
    const server = accounts.data?.find((a) => a.name === sent.account)?.host ?? sent.account ?? '';
    const message =
      sent.outcome === 'sent'
        ? sent.serverMessageId
          ? t('report.sent', { server, to: sent.accepted.join(', '), id: sent.serverMessageId })
          : t('report.sentNoId', { server, to: sent.accepted.join(', '), response: sent.response ?? '' })
        : sent.outcome === 'partial'
          ? t('report.partial', { to: sent.accepted.join(', '), refused: sent.rejected.map((r) => `${r.address} (${r.response})`).join('; ') })
          : sent.outcome === 'possibly_delivered'
            ? t('report.possiblyDelivered', { detail: sent.error ? errorText(recordedError(sent.error)) : '' })
            : t('report.failed', { detail: sent.error ? errorText(recordedError(sent.error)) : '' });
    notifications.show({
      color: sent.outcome === 'sent' ? 'green' : sent.outcome === 'failed' ? 'red' : 'yellow',
      title: sent.subject,
      message,
      autoClose: sent.outcome === 'sent' ? 10_000 : false,
      'data-testid': 'report-result',
      'data-outcome': sent.outcome,
    });
  };

  const send = useMutation({
    mutationFn: (reportId: number) => api.call('reports.send', { reportId, view }),
    onSuccess: announce,
    onError: (error) => notifications.show({ color: 'red', message: t('report.failed', { detail: errorText(error) }), autoClose: false, 'data-testid': 'report-result', 'data-outcome': 'error' }),
    onSettled: () => client.invalidateQueries({ queryKey: reportKeys.reports }),
  });

  const file = useMutation({
    mutationFn: (fileRequest: Input<'reports.file'>) => api.call('reports.file', fileRequest),
    onSuccess: (made) => downloadText(made.html, made.fileName, 'text/html;charset=utf-8'),
    onError: (error) => notifications.show({ color: 'red', message: errorText(error), autoClose: false }),
  });

  // The owner prints the PDF when it has Chromium (the app); otherwise the browser's print dialog does.
  const pdf = useMutation({
    mutationFn: async (pdfRequest: Input<'reports.pdf'>) => {
      try {
        const made = await api.call('reports.pdf', pdfRequest);
        downloadFile(made.pdfBase64, made.fileName, 'application/pdf');
        return 'saved' as const;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'report_pdf_unavailable') throw error;
        const made = await api.call('reports.file', pdfRequest);
        await printInBrowser(made.html);
        return 'printing' as const;
      }
    },
    onSuccess: (outcome) => {
      if (outcome === 'printing') notifications.show({ message: t('report.printOpened'), autoClose: 15_000, 'data-testid': 'report-print-opened' });
    },
    onError: (error) => notifications.show({ color: 'red', message: t('report.printFailed', { detail: errorText(error) }), autoClose: false }),
  });

  const onSaved = (saved: ReportDefinition, sendNow: boolean) => {
    setDialog(null);
    if (sendNow) send.mutate(saved.id);
  };

  return (
    <>
      <Button.Group ml="auto" mb={4}>
        <Button
          size="xs"
          leftSection={<IconMail size={14} />}
          loading={send.isPending}
          disabled={reports.isLoading}
          onClick={() => (report ? send.mutate(report.id) : setDialog('settings'))}
          data-testid="report-send"
        >
          {t('report.button')}
        </Button>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" px={6} aria-label={t('report.options')} data-testid="report-menu">
              <IconChevronDown size={14} />
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconEye size={14} />} onClick={() => setDialog('preview')}>
              {t('report.preview')}
            </Menu.Item>
            <Menu.Item leftSection={<IconFileTypeHtml size={14} />} disabled={file.isPending} onClick={() => file.mutate(request)}>
              {t('report.saveFile')}
            </Menu.Item>
            <Menu.Item leftSection={<IconFileTypePdf size={14} />} disabled={pdf.isPending} onClick={() => pdf.mutate(request)}>
              {t('report.savePdf')}
            </Menu.Item>
            <Menu.Item leftSection={<IconHistory size={14} />} onClick={() => setDialog('history')}>
              {t('report.history')}
            </Menu.Item>
            <Menu.Item leftSection={<IconSettings size={14} />} onClick={() => setDialog('settings')}>
              {t('report.settings')}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Button.Group>
      {dialog === 'settings' && <ReportSettingsDialog dataset={dataset} zone={zone} report={report} onClose={() => setDialog(null)} onSaved={onSaved} />}
      {dialog === 'preview' && <ReportPreviewDialog request={request} onClose={() => setDialog(null)} onSetUp={report ? null : () => setDialog('settings')} />}
      {dialog === 'history' && <ReportHistoryDialog reportId={report?.id ?? null} zone={zone} onClose={() => setDialog(null)} />}
    </>
  );
}
