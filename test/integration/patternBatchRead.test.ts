import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { buildBatchQuery, parseBatch } from '../../src/shared/patterns/sql';

/** The batch read against DuckDB itself: the separators it joins records with must not come out of a message. */
describe('reading a batch of messages to mine', () => {
  it('gives unmined messages in line order, with NUL and SOH inside a message read as spaces and NULL as empty', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`CREATE TABLE logs (_ls_source INTEGER, _ls_line BIGINT, _ls_pattern INTEGER, message VARCHAR)`);
      await connection.run(`INSERT INTO logs VALUES
        (1, 4, NULL, 'last ' || chr(1) || 'one'),
        (1, 1, NULL, 'plain 접속 끊김'),
        (1, 2, 7, 'already mined'),
        (1, 3, NULL, 'nul' || chr(0) || 'inside'),
        (1, 5, NULL, NULL),
        (2, 1, NULL, 'other source')`);
      const query = buildBatchQuery('logs', 'message', { sourceId: 1, from: 1, to: 5 }, 100);
      const [row] = (await connection.runAndReadAll(query.sql, query.params)).getRows();
      const count = Number(row![0]);
      expect(count).toBe(4);
      expect(parseBatch(String(row![1]), count).messages).toEqual(['plain 접속 끊김', 'nul inside', 'last  one', '']);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
