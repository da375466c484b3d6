import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { convertLines, convertToUtf8, detectEncoding, sampleToUtf8 } from './encoding';
import { baseReference, normalizeSample } from './sources';
import { binaryKind } from './detect';

const koreanCsv = '시간,레벨,메시지\n2024-03-01 09:00:00,INFO,서버가 시작되었습니다\n2024-03-01 09:00:01,오류,디스크 공간 부족\n';

async function collect(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

async function* chunked(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('detectEncoding', () => {
  it('tells CP949 (EUC-KR) from windows-1252, even for a short Korean CSV', () => {
    expect(detectEncoding(iconv.encode(koreanCsv, 'cp949'))).toEqual({ encoding: 'euc-kr', bom: false });
    expect(detectEncoding(iconv.encode('time,msg\n1,안녕\n', 'cp949')).encoding).toBe('euc-kr');
  });

  it('reads Latin-1 as windows-1252, UTF-8 with or without a mark, and UTF-16 both ways', () => {
    expect(detectEncoding(iconv.encode('name,city\nJosé,São Paulo\nZoë,Kraków\n', 'latin1')).encoding).toBe('windows-1252');
    expect(detectEncoding(Buffer.from(koreanCsv))).toEqual({ encoding: 'utf-8', bom: false });
    expect(detectEncoding(Buffer.from('\uFEFFa,b\n'))).toEqual({ encoding: 'utf-8', bom: true });
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]))).toEqual({ encoding: 'utf-16le', bom: true });
    expect(detectEncoding(iconv.encode('time,v\n1,2\n', 'utf16be')).encoding).toBe('utf-16be');
  });

  it('keeps a mostly UTF-8 file UTF-8 when a few lines are not (they become rejects)', () => {
    const mixed = Buffer.concat([Buffer.from('정상 줄\n다시 정상\n또 정상\n'), iconv.encode('깨진 줄\n', 'cp949')]);
    expect(detectEncoding(mixed).encoding).toBe('utf-8');
  });
});

describe('convertToUtf8', () => {
  it('decodes CP949 across chunk boundaries, whatever the chunk size', async () => {
    const bytes = iconv.encode(koreanCsv, 'cp949');
    for (const size of [1, 3, 7, 64]) expect(await collect(convertToUtf8(chunked(bytes, size), 'euc-kr'))).toBe(koreanCsv);
  });

  it('decodes UTF-16 with its mark, CRLF made LF, also when a CR and its LF arrive apart', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\r\nb한\r\nc', 'utf16le')]);
    for (const size of [1, 2, 5]) expect(await collect(convertToUtf8(chunked(bytes, size), 'utf-16le'))).toBe('a\nb한\nc');
  });

  it('keeps UTF-8 lines of a legacy file, and an undecodable line as its raw bytes (DuckDB then rejects it)', () => {
    const line = Buffer.from([0x41, 0xc8, 0x0a]);
    const bytes = Buffer.concat([iconv.encode('가나\n', 'cp949'), Buffer.from('이미 UTF-8\n'), line]);
    const out = convertLines(bytes, 'euc-kr');
    expect(out.subarray(0, out.length - 3).toString('utf8')).toBe('가나\n이미 UTF-8\n');
    expect([...out.subarray(out.length - 3)]).toEqual([0x41, 0xc8, 0x0a]);
  });

  it('keeps blank lines and a last line without a line break', () => {
    expect(convertLines(iconv.encode('a\n\n\nb', 'cp949'), 'euc-kr').toString()).toBe('a\n\n\nb');
    expect(convertLines(Buffer.from('\n'), 'euc-kr').toString()).toBe('\n');
  });
});

describe('samples', () => {
  it('are UTF-8 without the mark, cut after the last whole line, with one kind of line end and no NUL', () => {
    expect(sampleToUtf8(Buffer.from('\uFEFFa\n'), { encoding: 'utf-8', bom: true }).toString()).toBe('a\n');
    expect(normalizeSample(Buffer.from('a\r\nb\nc\u0000d\r\n')).toString()).toBe('a\nb\ncd\n');
    expect(normalizeSample(Buffer.from('a\r\nb\r\n')).toString()).toBe('a\r\nb\r\n');
  });

  it('take a log padded with NULs by a crash as text, and binary data as not', () => {
    const log = Buffer.concat([Buffer.from('2024-03-04 09:15:02 INFO before\n'), Buffer.alloc(4096, 0), Buffer.from('2024-03-04 09:16:00 INFO after\n')]);
    expect(binaryKind(log)).toBeNull();
    expect(binaryKind(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))).toBe('binary data');
    expect(binaryKind(Buffer.alloc(100, 0))).toBe('binary data');
  });
});

describe('baseReference', () => {
  it('prefers the date the caller knows, then the file modification time, then now', () => {
    const now = new Date('2025-01-10T00:00:00Z');
    const modified = new Date('2024-12-01T00:00:00Z');
    expect(baseReference({ origin: 'mail', lastModified: Date.parse('2025-01-02T00:00:00Z'), modified, now })).toEqual({ at: new Date('2025-01-02T00:00:00Z'), source: 'mail_date' });
    expect(baseReference({ origin: 'upload', lastModified: 1000, modified, now }).source).toBe('upload_modified');
    expect(baseReference({ origin: 'command', modified, now })).toEqual({ at: modified, source: 'file_modified' });
    expect(baseReference({ origin: 'upload', modified: null, now })).toEqual({ at: now, source: 'import_time' });
  });
});
