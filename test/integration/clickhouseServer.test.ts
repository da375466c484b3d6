import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

let server: ClickHouseServer;

beforeAll(async () => {
  server = await startClickHouse();
});

afterAll(async () => {
  await server?.stop();
});

const asUser = async (u: { user: string; password: string }, sql: string) => {
  const response = await fetch(`${server.url}/`, {
    method: 'POST',
    body: sql,
    headers: { 'X-ClickHouse-User': u.user, 'X-ClickHouse-Key': u.password },
  });
  return { status: response.status, body: (await response.text()).trim() };
};

describe('the test ClickHouse server', () => {
  it('When started, Then it answers /ping on a loopback port the OS chose', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.httpPort).not.toBe(8123);
    const response = await fetch(`${server.url}/ping`);
    expect(await response.text()).toBe('Ok.\n');
  });

  it('When the admin creates and fills a table, Then it reads the rows back', async () => {
    await server.exec('CREATE TABLE smoke (n UInt32) ENGINE = MergeTree ORDER BY n');
    await server.exec('INSERT INTO smoke VALUES (1), (2), (3)');
    expect((await server.exec('SELECT sum(n) FROM smoke')).trim()).toBe('6');
    expect((await server.exec('SELECT version()')).trim()).toMatch(/^\d+\.\d+/);
  });

  it('When a wrong password is given, Then the server refuses', async () => {
    const answer = await asUser({ user: server.admin.user, password: 'wrong' }, 'SELECT 1');
    expect(answer.status).not.toBe(200);
    expect(answer.body).toMatch(/password|Authentication/i);
  });

  it('When the read-only user writes, Then the server itself refuses and reads still work', async () => {
    const insert = await asUser(server.reader, 'INSERT INTO smoke VALUES (4)');
    expect(insert.status).not.toBe(200);
    expect(insert.body).toMatch(/readonly/i);
    const read = await asUser(server.reader, 'SELECT count() FROM smoke');
    expect(read).toEqual({ status: 200, body: '3' });
  });
});
