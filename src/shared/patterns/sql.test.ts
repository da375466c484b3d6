import { describe, expect, it } from 'vitest';
import {
  buildAssignSql,
  buildBatchQuery,
  buildPatternListQuery,
  buildPatternRowsQuery,
  buildSparklineQuery,
  escapeLike,
  parseBatch,
  previousRange,
  sparklineBucketMs,
} from './sql';

describe('pattern SQL', () => {
  it('quotes a dataset and a message column whose names hold quotes', () => {
    const batch = buildBatchQuery('logs', 'the "msg"', { sourceId: 3, from: 1, to: 50_000 }, 50_000);
    expect(batch.sql).toContain('CAST("the ""msg""" AS VARCHAR)');
    expect(batch.params).toEqual({ sourceId: 3, from: 1, to: 50_000, limit: 50_000 });
  });

  it('reads a window of lines, or the rows without a line number', () => {
    expect(buildBatchQuery('logs', 'message', { sourceId: 1, from: 1, to: 10 }, 10).sql).toContain('"_ls_line" BETWEEN $from AND $to');
    const nulls = buildAssignSql('logs', { sourceId: 1, from: null, to: null });
    expect(nulls.sql).toContain('t."_ls_line" IS NULL');
    expect(nulls.params).toEqual({ sourceId: 1 });
  });

  it('counts the stored totals without a range, and counts rows in the range and the range before with one', () => {
    const whole = buildPatternListQuery({ datasetId: 7, dataset: 'logs', timeColumn: 'time', range: null, search: null, offset: 0, limit: 10 });
    expect(whole.sql).toContain('p.count > 0');
    expect(whole.params).toEqual({ datasetId: 7, offset: 0, limit: 10 });
    const ranged = buildPatternListQuery({
      datasetId: 7,
      dataset: 'logs',
      timeColumn: 'ti"me',
      range: { from: '2024-01-01T01:00:00.000Z', to: '2024-01-01T02:00:00.000Z' },
      search: '50%_off',
      offset: 20,
      limit: 10,
    });
    expect(ranged.sql).toContain('"ti""me" >= make_timestamp($beforeUs::BIGINT)');
    expect(ranged.params).toMatchObject({
      fromUs: Date.parse('2024-01-01T01:00:00Z') * 1000,
      toUs: Date.parse('2024-01-01T02:00:00Z') * 1000,
      beforeUs: Date.parse('2024-01-01T00:00:00Z') * 1000,
      search: '50\\%\\_off',
      offset: 20,
    });
  });

  it('filters a template\'s rows by range only when the dataset has a time column', () => {
    const range = { from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' };
    expect(buildPatternRowsQuery({ dataset: 'logs', patternId: 4, timeColumn: null, range, offset: 0, limit: 5 }).count.params).toEqual({ patternId: 4 });
    const ranged = buildPatternRowsQuery({ dataset: 'logs', patternId: 4, timeColumn: 'time', range, offset: 5, limit: 5 });
    expect(ranged.page.sql).toContain('ORDER BY "_ls_source", "_ls_line"');
    expect(ranged.page.params).toMatchObject({ patternId: 4, offset: 5, limit: 5 });
    expect(ranged.count.params).not.toHaveProperty('limit');
  });

  it('buckets sparklines from the range start', () => {
    const range = { from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T01:00:00.000Z' };
    expect(sparklineBucketMs(range, 6)).toBe(600_000);
    expect(sparklineBucketMs({ from: range.from, to: '2024-01-01T00:00:00.007Z' }, 24)).toBe(1);
    const spark = buildSparklineQuery('logs', 'time', range, 600_000, [3, 9]);
    expect(spark.params).toMatchObject({ ids: '3,9', fromMs: Date.parse(range.from), bucketMs: 600_000 });
  });
});

describe('helpers', () => {
  it('takes the range before as long as the range, ending where it starts', () => {
    expect(previousRange({ from: '2024-03-10T00:00:00.000Z', to: '2024-03-11T00:00:00.000Z' })).toEqual({
      from: '2024-03-09T00:00:00.000Z',
      to: '2024-03-10T00:00:00.000Z',
    });
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
  });
});

describe('parseBatch', () => {
  it('puts records in line order and keeps each message whole', () => {
    const records = ['3\u00019\u0001third, with spaces', '1\u00017\u0001', '2\u00018\u0001a \u0001 b'].join('\u0000');
    expect(parseBatch(records, 3)).toEqual({ rowIds: '7,8,9', messages: ['', 'a \u0001 b', 'third, with spaces'] });
  });

  it('orders rows without a line number by row id, and refuses a count that does not match', () => {
    expect(parseBatch(['-1\u000112\u0001b', '-1\u00015\u0001a'].join('\u0000'), 2)).toEqual({ rowIds: '5,12', messages: ['a', 'b'] });
    expect(() => parseBatch('1\u00011\u0001x', 2)).toThrow(RangeError);
  });
});
