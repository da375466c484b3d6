import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { startLoopbackServer, type LoopbackServer } from '../../src/main/transport/loopback';
import { connectToOwner } from '../../src/main/transport/wsClient';
import { contentSecurityPolicy } from '../../src/shared/csp';
import { type AppError } from '../../src/shared/api/errors';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { repoRoot } from './support/cli';

const dataDir = tempDataDir();
const rendererDir = path.join(dataDir, 'renderer');
let core: AppCore;
let server: LoopbackServer;

beforeAll(async () => {
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Logscope</title>');
  fs.writeFileSync(path.join(dataDir, 'outside.txt'), 'secret');
  core = await openOwnedCore(dataDir, { seedDemo: true });
  server = await startLoopbackServer({ rpc: core.rpc, events: core.events, log: { debug() {}, info() {}, warn() {}, error() {} }, rendererDir });
});
afterAll(async () => {
  await server?.close();
  await core?.dispose();
});

function request(
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket and reports how the handshake went. */
function openSocket(headers: Record<string, string>): Promise<{ opened: boolean; status?: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
    socket.once('open', () => resolve({ opened: true, socket }));
    socket.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    socket.once('error', () => resolve({ opened: false }));
  });
}

const cookie = () => `logscope_${server.port}=${server.token}`;

describe('browser mode: the loopback server', () => {
  it('listens on 127.0.0.1 only and prints a URL with a token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{40,}$`));
  });

  it('moves the token into an HttpOnly, SameSite=Strict cookie and drops it from the address', async () => {
    const response = await request(`/?token=${server.token}`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(response.headers['set-cookie']?.[0]).toBe(`logscope_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/`);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('refuses a request without the token (401), a wrong token, and a foreign Host or Origin (403)', async () => {
    expect((await request('/')).status).toBe(401);
    expect((await request('/?token=wrong')).status).toBe(401);
    expect((await request('/', { cookie: `logscope_${server.port}=wrong` })).status).toBe(401);
    expect((await request('/', { cookie: cookie(), host: 'evil.example:80' })).status).toBe(403);
    expect((await request(`/?token=${server.token}`, { host: `rebind.example:${server.port}` })).status).toBe(403);
    expect((await request('/', { cookie: cookie(), origin: 'http://evil.example' })).status).toBe(403);
  });

  it('serves the renderer with the CSP and no-referrer to a holder of the token', async () => {
    const response = await request('/', { cookie: cookie() });
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>Logscope</title>');
    expect(response.headers['content-security-policy']).toContain(contentSecurityPolicy);
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves nothing outside the renderer folder', async () => {
    const response = await request('/..%2Foutside.txt', { cookie: cookie() });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('secret');
  });

  it('refuses and closes sockets without the token or from a foreign origin', async () => {
    expect(await openSocket({})).toMatchObject({ opened: false, status: 401 });
    expect(await openSocket({ cookie: cookie(), origin: 'http://evil.example' })).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket({ cookie: cookie(), host: `evil.example:${server.port}` })).toMatchObject({ opened: false, status: 403 });
  });

  it('answers calls on a socket opened by the page (cookie and own origin)', async () => {
    const { opened, socket } = await openSocket({ cookie: cookie(), origin: `http://127.0.0.1:${server.port}` });
    expect(opened).toBe(true);
    const reply = await new Promise<unknown>((resolve) => {
      socket!.once('message', (data) => resolve(JSON.parse(String(data))));
      socket!.send(JSON.stringify({ t: 'call', id: 7, method: 'app.ping', input: {} }));
    });
    expect(reply).toEqual({ t: 'result', id: 7, output: { pid: process.pid, ownerKind: 'serve' } });
    socket!.close();
  });

  it('serves the contract to a command with the bearer token, with validation and events', async () => {
    const api = await connectToOwner({ port: server.port, token: server.token });
    const [demo] = await api.call('datasets.list', {});
    expect(demo?.name).toBe('demo_service');
    const invalid = await api.call('datasets.page', { datasetId: -1, offset: 0, limit: 10 }).then(() => null, (e: unknown) => e);
    expect((invalid as AppError).code).toBe('invalid_input');
    const changed = new Promise((resolve) => api.on('datasets.changed', resolve));
    await api.call('datasets.rename', { datasetId: demo!.id, name: 'renamed_demo' });
    expect(await changed).toEqual({ reason: 'renamed', datasetId: demo!.id });
    api.close();
  });

  it('cancels a call when the client aborts it', async () => {
    const api = await connectToOwner({ port: server.port, token: server.token });
    const controller = new AbortController();
    const running = api.call('query.run', { sql: 'SELECT count(*) FROM range(100000000000) a' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(((await running.then(() => null, (e: unknown) => e)) as AppError).code).toBe('cancelled');
    // The owner interrupted the query: the next one on that connection runs at once.
    expect((await api.call('query.run', { sql: 'SELECT 1 AS one' })).rows).toEqual([[1]]);
    api.close();
  });

  it('the built index.html carries the same CSP as the header', () => {
    const html = fs.readFileSync(path.join(repoRoot, 'src/renderer/index.html'), 'utf8');
    expect(html).toContain(`content="${contentSecurityPolicy}"`);
  });
});
