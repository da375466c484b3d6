import type { FileRef } from '@shared/api/contract/imports';

/** How much of a file the preview sends in browser mode; detection reads no more anyway. */
export const previewHeadBytes = 1 << 20;

/**
 * A file to import: one with a path the main process reads in place (dropped in the Electron
 * window, or opened from the operating system), or one only the browser holds (browser mode).
 */
export type ImportSource = { kind: 'path'; name: string; size: number; path: string } | { kind: 'blob'; name: string; size: number; blob: File };

export function sourceOfFile(file: File): ImportSource {
  const path = pathOf(file);
  return path ? { kind: 'path', name: file.name, size: file.size, path } : { kind: 'blob', name: file.name, size: file.size, blob: file };
}

/** In the Electron window a dropped file has a path the main process reads in place. */
export function pathOf(file: File): string | null {
  const path = window.logscope?.pathForFile(file);
  return path ? path : null;
}

/** The first bytes of a file the browser holds, for the preview before any upload. */
export async function headOf(file: File) {
  const bytes = new Uint8Array(await file.slice(0, previewHeadBytes).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { name: file.name, size: file.size, lastModified: file.lastModified, headBase64: btoa(binary) };
}

/** Browser mode: stream the file to the owner's uploads folder, reporting bytes sent. */
export function uploadFile(file: File, onProgress: (sent: number) => void, signal: AbortSignal): Promise<FileRef> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/upload');
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      try {
        const body = JSON.parse(request.responseText) as { uploadId?: string };
        if (request.status === 200 && body.uploadId) resolve({ uploadId: body.uploadId, name: file.name });
        else reject(new Error(`upload failed (${request.status})`));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    request.onerror = () => reject(new Error('upload failed'));
    signal.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}
