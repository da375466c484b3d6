import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessage } from '../../shared/api/wire';
import type { ServerMessage } from '../../shared/api/serverMessage';
import { contentSecurityPolicy, headerOnlyPolicy } from '../../shared/csp';
import type { EventBus } from '../services/events';
import type { Logger } from '../services/logger';
import type { RpcServer } from './rpc';
import { createUploadRoute } from './upload';

export interface LoopbackServer {
  port: number;
  token: string;
  /** The URL to open once; it carries the token, which is then moved into a cookie. */
  url: string;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  rpc: RpcServer;
  events: EventBus;
  log: Logger;
  /** The built renderer (`out/renderer`); null serves the API only. */
  rendererDir: string | null;
  port?: number;
  token?: string;
  /** Where browser-mode uploads go (`POST /upload`); null accepts none. */
  uploadsDir?: string | null;
}

export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * Browser mode: the renderer over HTTP and a WebSocket on 127.0.0.1. Every request and
 * socket needs the token (a cookie after the first visit, or a bearer header for the
 * `logscope` command); `Host` must name the loopback address and port, and `Origin`,
 * when present, must be this server — so a web page the user visits cannot reach it,
 * also not through DNS rebinding.
 */
export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const token = options.token ?? newToken();
  const upload = options.uploadsDir ? createUploadRoute(options.uploadsDir) : null;
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const cookieName = `logscope_${port}`;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenMatches = (candidate: string | undefined): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const check = (request: http.IncomingMessage): 200 | 401 | 403 => {
    if (!allowedHosts.has(request.headers.host ?? '')) return 403;
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return 403;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const cookie = parseCookies(request.headers.cookie)[cookieName];
    return tokenMatches(bearer) || tokenMatches(cookie) ? 200 : 401;
  };

  server.on('request', (request, response) => {
    setSecurityHeaders(response);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const queryToken = url.searchParams.get('token');
    // First visit: move the token from the URL into a cookie and drop it from the address bar.
    if (queryToken !== null && allowedHosts.has(request.headers.host ?? '') && tokenMatches(queryToken)) {
      response.writeHead(303, {
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
      });
      response.end();
      return;
    }
    const status = check(request);
    if (status !== 200) {
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(status === 401 ? 'Open the address printed by `logscope serve`; it carries the access token.\n' : 'Forbidden\n');
      return;
    }
    if (upload?.(request, response)) return;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    serveStatic(options.rendererDir, url.pathname, response);
  });

  server.on('upgrade', (request, socket, head) => {
    const status = new URL(request.url ?? '/', 'http://127.0.0.1').pathname === '/ws' ? check(request) : 404;
    if (status !== 200) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachWireSocket(ws, options));
  });

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves one client socket: calls with cancel, and every event of the bus. */
function attachWireSocket(ws: WebSocket, { rpc, events, log }: LoopbackOptions) {
  const running = new Map<number, AbortController>();
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = events.onAny((name, payload) => send({ t: 'event', name, payload }));

  ws.on('message', async (data) => {
    const parsed = ClientMessage.safeParse(safeJson(data.toString()));
    if (!parsed.success) {
      log.warn('ignored a malformed message on the loopback socket');
      return;
    }
    const message = parsed.data;
    if (message.t === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    const outcome = await rpc.call(message.method, message.input, controller.signal);
    running.delete(message.id);
    send(outcome.ok ? { t: 'result', id: message.id, output: outcome.output } : { t: 'error', id: message.id, error: outcome.error });
  });
  ws.on('close', () => {
    unsubscribe();
    for (const controller of running.values()) controller.abort();
    running.clear();
  });
}

function setSecurityHeaders(response: http.ServerResponse) {
  response.setHeader('Content-Security-Policy', `${contentSecurityPolicy}; ${headerOnlyPolicy}`);
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

function serveStatic(rendererDir: string | null, pathname: string, response: http.ServerResponse) {
  if (!rendererDir) {
    response.writeHead(404).end();
    return;
  }
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(rendererDir, relative);
  if (!file.startsWith(path.resolve(rendererDir) + path.sep)) {
    response.writeHead(404).end();
    return;
  }
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    response.writeHead(200, {
      'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
    });
    fs.createReadStream(file).pipe(response);
  });
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
