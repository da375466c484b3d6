import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, session } from 'electron';
import { AppError } from '../../shared/api/errors';
import type { PdfPrinter } from '../services/reports/reports';
import { printWebPreferences } from './security';

/** Not `persist:`: the session lives in memory and leaves nothing on disk. */
const printPartition = 'logscope-print';

/**
 * The report printed by Electron's own Chromium: the HTML is written to a private temporary
 * file (a data URL would pass Chromium's 2 MB URL limit once charts and the font are inside),
 * loaded into a hidden window that runs no JavaScript and may fetch nothing but that file,
 * then `printToPDF`. The window and the file are gone afterwards, also on failure or cancel.
 */
export function electronPdfPrinter(): PdfPrinter {
  let guarded = false;
  /** The temporary files being printed now: the only file URLs the print session may load. */
  const printing = new Set<string>();
  return async (html, signal) => {
    const printSession = session.fromPartition(printPartition);
    if (!guarded) {
      // The report is self-contained (images and font are data: URLs): any other request is refused.
      printSession.webRequest.onBeforeRequest((details, callback) => {
        const allowed = details.url.startsWith('data:') || printing.has(details.url);
        callback({ cancel: !allowed });
      });
      printSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
      guarded = true;
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'logscope-print-'));
    const fileUrl = pathToFileURL(path.join(dir, 'report.html')).href;
    const window = new BrowserWindow({ show: false, width: 800, height: 1100, webPreferences: printWebPreferences(printPartition) });
    const abort = () => window.destroy();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await fs.writeFile(path.join(dir, 'report.html'), html, { mode: 0o600 });
      printing.add(fileUrl);
      const contents = window.webContents;
      contents.on('will-navigate', (event) => event.preventDefault());
      contents.setWindowOpenHandler(() => ({ action: 'deny' }));
      await window.loadURL(fileUrl);
      if (signal.aborted) throw new AppError('cancelled');
      const pdf = await contents.printToPDF({ printBackground: true, pageSize: 'A4', preferCSSPageSize: true });
      return new Uint8Array(pdf);
    } catch (error) {
      if (signal.aborted) throw new AppError('cancelled');
      throw new AppError('internal', { message: `printing the report to PDF failed: ${error instanceof Error ? error.message : String(error)}` }, { cause: error });
    } finally {
      signal.removeEventListener('abort', abort);
      printing.delete(fileUrl);
      if (!window.isDestroyed()) window.destroy();
      await fs.rm(dir, { recursive: true, force: true });
    }
  };
}
