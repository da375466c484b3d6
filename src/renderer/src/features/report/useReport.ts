import { useQuery } from '@tanstack/react-query';
import { AppError, isErrorCode, type ErrorParams } from '@shared/api/errors';
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

/** Saves text as a file: the browser's download in browser mode, Electron's save dialog in the window. */
export function downloadText(text: string, fileName: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A failure recorded with a message (history, test result) as an error the UI can word. */
export function recordedError(wire: { code: string; params: Record<string, unknown> }): AppError {
  return isErrorCode(wire.code) ? new AppError(wire.code, wire.params as ErrorParams) : new AppError('internal', { message: wire.code });
}
