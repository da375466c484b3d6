import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type http from 'node:http';

/**
 * Browser mode cannot hand the main process a path, so a dropped file is streamed to a
 * file in the data folder's `uploads/` (`POST /upload`, body = the file's bytes) and
 * imported from there by its id. The server has already checked the token, Host and
 * Origin. Nothing of the client's choosing becomes part of the path.
 */
export function createUploadRoute(uploadsDir: string) {
  return (request: http.IncomingMessage, response: http.ServerResponse): boolean => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/upload') return false;
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return true;
    }
    const uploadId = randomBytes(16).toString('base64url');
    const file = path.join(uploadsDir, uploadId);
    pipeline(request, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 })).then(
      () => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ uploadId }));
      },
      () => {
        fs.rm(file, { force: true }, () => undefined);
        if (!response.headersSent) response.writeHead(400, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: 'upload_incomplete' }));
      },
    );
    return true;
  };
}
