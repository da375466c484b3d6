import { describe, expect, it } from 'vitest';
import { classifyTimeValues, detectTimeColumn, timeCarriesOffset, timeNameScore, timeSpecFromFormat } from './time';

describe('classifyTimeValues', () => {
  it('tells ISO times with an offset from those without, and mixes', () => {
    expect(classifyTimeValues('VARCHAR', ['2024-03-04T09:15:02.153Z', '2024-03-04T09:15:03+09:00'])?.kind).toBe('instant');
    expect(classifyTimeValues('VARCHAR', ['2024-03-04 09:15:02', '2024-03-04T09:15:03.5'])?.kind).toBe('local');
    expect(classifyTimeValues('VARCHAR', ['2024-03-04 09:15:02', '2024-03-04T09:15:03Z'])?.kind).toBe('mixed');
  });

  it('recognises epoch seconds, milliseconds and microseconds by magnitude', () => {
    expect(classifyTimeValues('BIGINT', [1709543702, 1709543703])?.kind).toBe('epoch_s');
    expect(classifyTimeValues('BIGINT', [1709543702153])?.kind).toBe('epoch_ms');
    expect(classifyTimeValues('BIGINT', ['1709543702153000'])?.kind).toBe('epoch_us');
    expect(classifyTimeValues('BIGINT', [200, 404, 500])).toBeNull();
  });

  it('recognises epoch nanoseconds, also written as strings of digits (JSON has no 64-bit integers)', () => {
    expect(classifyTimeValues('BIGINT', [1709543702153000000])?.kind).toBe('epoch_ns');
    expect(classifyTimeValues('VARCHAR', ['1709543702153000000', '1709543703000000001'])?.kind).toBe('epoch_ns');
    expect(classifyTimeValues('VARCHAR', ['1709543702', '1709543703'])?.kind).toBe('epoch_s');
    // Digits of another size are ids, not times.
    expect(classifyTimeValues('VARCHAR', ['12345678901234', '12345678901235'])).toBeNull();
  });

  it('recognises common log patterns, with the strptime pattern to read them', () => {
    expect(classifyTimeValues('VARCHAR', ['04/Mar/2024:09:15:02 +0900'])).toMatchObject({ kind: 'pattern', pattern: '%d/%b/%Y:%H:%M:%S %z' });
    expect(classifyTimeValues('VARCHAR', ['2015-07-29 17:41:44,747'])).toMatchObject({ kind: 'pattern', pattern: '%Y-%m-%d %H:%M:%S,%g' });
  });

  it('ignores empty values and refuses text that is mostly not a time', () => {
    expect(classifyTimeValues('VARCHAR', [null, '', '2024-03-04T09:15:02Z'])?.kind).toBe('instant');
    expect(classifyTimeValues('VARCHAR', ['GET', 'POST', '2024-03-04T09:15:02Z'])).toBeNull();
  });
});

describe('detectTimeColumn', () => {
  it('prefers a well-named column that reads as times', () => {
    const spec = detectTimeColumn(
      [
        { name: 'created', type: 'VARCHAR' },
        { name: 'timestamp', type: 'VARCHAR' },
        { name: 'status', type: 'BIGINT' },
      ],
      [
        ['2024-03-04T09:00:00Z', '2024-03-04T09:15:02Z', 200],
        ['2024-03-04T09:00:01Z', '2024-03-04T09:15:03Z', 500],
      ],
    );
    expect(spec).toEqual({ column: 'timestamp', kind: 'instant', pattern: null });
  });

  it('takes epoch numbers only from a column named like a time', () => {
    const rows = [[1709543702, 1709543702]];
    expect(detectTimeColumn([{ name: 'id', type: 'BIGINT' }, { name: 'ts', type: 'BIGINT' }], rows)?.column).toBe('ts');
    expect(detectTimeColumn([{ name: 'id', type: 'BIGINT' }], [[1709543702]])).toBeNull();
  });

  it('knows Korean header names', () => {
    expect(timeNameScore('시간')).toBe(3);
    expect(timeNameScore('발생일시')).toBe(3);
    expect(timeNameScore('요청_시각')).toBe(1);
  });
});

describe('user-given formats', () => {
  it('turn into a spec, and say whether a zone is needed', () => {
    expect(timeSpecFromFormat('t', 'epoch_ms', null)).toEqual({ column: 't', kind: 'epoch_ms', pattern: null });
    const pattern = timeSpecFromFormat('t', '%d/%m/%Y %H:%M:%S', null);
    expect(pattern).toEqual({ column: 't', kind: 'pattern', pattern: '%d/%m/%Y %H:%M:%S' });
    expect(timeCarriesOffset(pattern)).toBe(false);
    expect(timeCarriesOffset(timeSpecFromFormat('t', '%d/%b/%Y:%H:%M:%S %z', null))).toBe(true);
    expect(timeCarriesOffset({ column: 't', kind: 'local', pattern: null })).toBe(false);
  });
});
