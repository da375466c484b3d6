import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { type AppError } from '../../../shared/api/errors';
import { archiveError, containerOf, gzipModified, InflateBudget, ratioFloorBytes } from './archives';

describe('containers', () => {
  it('are told by their first bytes, not their names', () => {
    expect(containerOf(zlib.gzipSync('x'))).toBe('gzip');
    expect(containerOf(Buffer.from('PK\u0003\u0004rest'))).toBe('zip');
    expect(containerOf(Buffer.from('PK\u0005\u0006'))).toBe('zip');
    expect(containerOf(Buffer.from('plain text'))).toBe('plain');
  });

  it('gzip keeps the original modification time in its header', () => {
    const head = zlib.gzipSync('x');
    head.writeUInt32LE(1_700_000_000, 4);
    expect(gzipModified(head)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    head.writeUInt32LE(0, 4);
    expect(gzipModified(head)).toBeNull();
  });
});

describe('InflateBudget', () => {
  const code = (work: () => void) => {
    try {
      work();
      return null;
    } catch (error) {
      return (error as AppError).code;
    }
  };

  it('stops on the bytes actually produced, past the total limit or the ratio', () => {
    const budget = new InflateBudget({ maxUnpackedBytes: 100 * 1024 * 1024, maxRatio: 200 }, 'x.zip');
    expect(code(() => budget.take(ratioFloorBytes, ratioFloorBytes, ratioFloorBytes / 100))).toBeNull();
    expect(code(() => budget.take(1024 * 1024, ratioFloorBytes + 1024 * 1024, (ratioFloorBytes + 1024 * 1024) / 500))).toBe('archive_ratio_exceeded');
    const small = new InflateBudget({ maxUnpackedBytes: 1000, maxRatio: 200 }, 'x.gz');
    expect(code(() => small.take(600, 600, 600))).toBeNull();
    expect(code(() => small.take(600, 1200, 1200))).toBe('archive_too_large');
  });

  it('lets small, very compressible files through (a ratio is judged past 16 MB)', () => {
    const budget = new InflateBudget({ maxUnpackedBytes: 1e12, maxRatio: 10 }, 'x.gz');
    expect(code(() => budget.take(1_000_000, 1_000_000, 100))).toBeNull();
  });

  it('refuses what the zip declares before inflating anything', () => {
    const budget = new InflateBudget({ maxUnpackedBytes: 1e9, maxRatio: 200 }, 'bomb.zip');
    expect(code(() => budget.checkDeclared(4e9, 4e6))).toBe('archive_too_large');
    expect(code(() => budget.checkDeclared(5e8, 1e5))).toBe('archive_ratio_exceeded');
  });
});

describe('archiveError', () => {
  it('says a truncated gzip is truncated', () => {
    let error: unknown;
    try {
      zlib.gunzipSync(zlib.gzipSync('hello world, hello world').subarray(0, 12));
    } catch (e) {
      error = e;
    }
    expect(archiveError(error, 'a.gz')).toMatchObject({ code: 'archive_corrupt', params: { file: 'a.gz', detail: expect.stringMatching(/truncated/) } });
  });
});
