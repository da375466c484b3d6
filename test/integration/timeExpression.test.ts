import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { timeExpression } from '../../src/shared/sql/time';

describe('reading a time that carries its offset', () => {
  it('gives the instant DuckDB’s TIMESTAMPTZ cast gives, whatever the offset or zone name', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    const values = [
      '2024-03-04T00:00:00Z',
      '2024-03-04 00:00:00.123456Z',
      '2024-03-04T24:00:00Z',
      '2024-03-04T09:00:00+09:00',
      '2024-03-04T00:00:00-05:30',
      // A zone name that ends in Z (New Zealand): not UTC.
      '2024-03-04 09:00:00 NZ',
      '2024-02-30T00:00:00Z',
      'garbageZ',
    ];
    const expression = timeExpression({ column: 'v', kind: 'instant', pattern: null }, 'v', 'Asia/Seoul');
    const rows = (
      await connection.runAndReadAll(
        `SELECT v, (${expression})::VARCHAR, (TRY_CAST(v AS TIMESTAMPTZ)::TIMESTAMP)::VARCHAR FROM (VALUES ${values.map((v) => `('${v}')`).join(', ')}) t(v)`,
      )
    ).getRows();
    for (const [value, read, reference] of rows) expect([value, read]).toEqual([value, reference]);
    expect(rows.find((r) => r[0] === '2024-03-04 09:00:00 NZ')?.[1]).toBe('2024-03-03 20:00:00');
    connection.closeSync();
    instance.closeSync();
  });
});
