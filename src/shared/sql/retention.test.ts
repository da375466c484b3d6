import { describe, expect, it } from 'vitest';
import { buildRetentionDelete } from './retention';

describe('buildRetentionDelete', () => {
  it('keeps N days back from the newest row, binding the number', () => {
    const q = buildRetentionDelete({ table: 'access', timeColumn: 'time', keepDays: 30, keepRows: null });
    expect(q.sql).toBe('DELETE FROM "main"."access" WHERE "time" < (SELECT max("time") FROM "main"."access") - to_days($keepDays::INTEGER)');
    expect(q.params).toEqual({ keepDays: 30 });
  });

  it('keeps the newest N rows, by file order without a time column', () => {
    const q = buildRetentionDelete({ table: 'a"b', timeColumn: null, keepDays: 7, keepRows: 1000 });
    expect(q.sql).toContain('FROM "main"."a""b" ORDER BY rowid DESC OFFSET $keepRows');
    expect(q.sql).not.toContain('keepDays');
    expect(q.params).toEqual({ keepRows: 1000 });
  });

  it('deletes nothing without a policy', () => {
    expect(buildRetentionDelete({ table: 't', timeColumn: 'time', keepDays: null, keepRows: null }).sql).toBe('SELECT 0');
  });
});
