import { describe, expect, it } from 'vitest';
import { buildRowPageQuery } from './rows';

describe('buildRowPageQuery', () => {
  it('binds offset and limit', () => {
    const q = buildRowPageQuery({ table: 'apache', offset: 500, limit: 100, sort: null });
    expect(q.sql).toContain('FROM "main"."apache"');
    expect(q.sql).not.toContain('ORDER BY');
    expect(q.params).toEqual({ limit: 100, offset: 500 });
  });

  it('quotes an odd sort column and breaks ties by import order', () => {
    const q = buildRowPageQuery({ table: '로그', offset: 0, limit: 10, sort: { column: 'a"b c', direction: 'desc' } });
    expect(q.sql).toContain('ORDER BY "a""b c" DESC NULLS LAST, rowid');
    expect(q.sql).toContain('"main"."로그"');
  });
});
