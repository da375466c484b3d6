import { useQuery } from '@tanstack/react-query';
import { AppError, isErrorCode, type ErrorParams } from '@shared/api/errors';
import { printableReportHtml } from '@shared/report/print';
import { useApi } from '../../app/api';

export const reportKeys = {
  reports: ['reports'] as const,
  smtpAccounts: ['smtp', 'accounts'] as const,
  history: (reportId: number | null) => ['reports', 'history', reportId] as const,
};

export function useReports() {
  const api = useApi();
  return useQuery({ queryKey: reportKeys.reports, queryFn: ({ signal }) => api.call('reports.list', {}, { signal }) });
}

export function useSmtpAccounts() {
  const api = useApi();
  return useQuery({ queryKey: reportKeys.smtpAccounts, queryFn: ({ signal }) => api.call('smtp.accounts.list', {}, { signal }) });
}

export function useReportHistory(reportId: number | null, enabled: boolean) {
  const api = useApi();
  return useQuery({ queryKey: reportKeys.history(reportId), queryFn: ({ signal }) => api.call('reports.history', { reportId, limit: 100 }, { signal }), enabled });
}

/** Comma-, semicolon- or space-separated addresses, each checked the way the contract does. */
export function splitRecipients(text: string): { addresses: string[]; invalid: string | null } {
  const addresses = text.split(/[\s,;]+/).map((a) => a.trim()).filter(Boolean);
  const invalid = addresses.find((a) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) ?? null;
  return { addresses, invalid };
}

/**
 * Browser mode has no printer of its own: the report goes into a hidden frame with the print
 * stylesheet and the browser's print dialog opens on it, where the user picks "Save as PDF".
 * The frame may not run scripts (the report has none); `allow-modals` lets it print and
 * `allow-same-origin` lets this page call its `print()`. It goes away after printing.
 */
export function printInBrowser(html: string): Promise<void> {
  document.querySelector('[data-testid="report-print-frame"]')?.remove();
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-modals allow-same-origin');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.dataset.testid = 'report-print-frame';
  frame.style.cssText = 'position:fixed;left:-10000px;top:0;width:800px;height:1100px;border:0;';
  return new Promise((resolve, reject) => {
    frame.addEventListener(
      'load',
      () => {
        const printed = frame.contentWindow;
        if (!printed) {
          frame.remove();
          reject(new Error('the print frame has no window'));
          return;
        }
        printed.addEventListener('afterprint', () => frame.remove(), { once: true });
        printed.print();
        resolve();
      },
      { once: true },
    );
    frame.srcdoc = printableReportHtml(html);
    document.body.append(frame);
  });
}

/** A failure recorded with a message (history, test result) as an error the UI can word. */
export function recordedError(wire: { code: string; params: Record<string, unknown> }): AppError {
  return isErrorCode(wire.code) ? new AppError(wire.code, wire.params as ErrorParams) : new AppError('internal', { message: wire.code });
}
