import type { EventPayload } from '../../shared/api/contract';

/**
 * A one-line progress bar on a terminal: bytes, rows and rate. Nothing at all when
 * stderr is not a terminal (piped, cron), so logs stay clean.
 */
export function createProgressLine(stream: NodeJS.WriteStream) {
  const enabled = Boolean(stream.isTTY);
  let shown = false;
  return {
    update(p: EventPayload<'import.progress'>) {
      if (!enabled) return;
      const share = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
      const width = 24;
      const filled = Math.round(share * width);
      const label = p.phase === 'reading' ? 'reading' : p.phase === 'importing' ? 'importing' : p.phase;
      const line = `${p.fileCount > 1 ? `[${p.fileIndex + 1}/${p.fileCount}] ` : ''}${p.file} ${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}${p.rows ? ` ${p.rows.toLocaleString('en-US')} rows` : ''}`;
      stream.write(`\r${line.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(line.length, (stream.columns ?? 100) - 1))}`);
      shown = true;
    },
    done() {
      if (enabled && shown) stream.write('\r\x1b[K');
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
