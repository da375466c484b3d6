import { describe, expect, it } from 'vitest';
import { byteOrderMark, canonicalEncoding, hangulShare, isValidUtf8, utf16WithoutMark } from './encoding';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('encoding names', () => {
  it('are WHATWG names, whatever label the user types', () => {
    expect(['UTF8', 'cp949', 'ks_c_5601-1987', 'latin1', 'ISO-8859-1', 'utf-16', 'SJIS', 'euc-kr'].map(canonicalEncoding)).toEqual([
      'utf-8', 'euc-kr', 'euc-kr', 'windows-1252', 'windows-1252', 'utf-16le', 'shift_jis', 'euc-kr',
    ]);
    expect(canonicalEncoding('klingon')).toBeNull();
  });
});

describe('byte-order marks and UTF-16 without one', () => {
  it('are told from the first bytes', () => {
    expect(byteOrderMark(bytes(0xef, 0xbb, 0xbf, 0x41))).toEqual({ encoding: 'utf-8', length: 3 });
    expect(byteOrderMark(bytes(0xff, 0xfe, 0x41, 0))).toEqual({ encoding: 'utf-16le', length: 2 });
    expect(byteOrderMark(bytes(0xfe, 0xff, 0, 0x41))).toEqual({ encoding: 'utf-16be', length: 2 });
    expect(utf16WithoutMark(new TextEncoder().encode('plain'))).toBeNull();
    const le = Uint8Array.from([...'time,v\n1,2\n'].flatMap((c) => [c.charCodeAt(0), 0]));
    expect(utf16WithoutMark(le)).toBe('utf-16le');
    expect(utf16WithoutMark(Uint8Array.from([...'time,v\n1,2\n'].flatMap((c) => [0, c.charCodeAt(0)])))).toBe('utf-16be');
  });

  it('are not confused by a run of NUL bytes in a text file', () => {
    const text = new TextEncoder().encode('2024-03-04 09:15:02 INFO before\n');
    expect(utf16WithoutMark(Uint8Array.from([...text, ...new Array(400).fill(0), ...text]))).toBeNull();
  });
});

describe('isValidUtf8', () => {
  it('accepts UTF-8 and refuses EUC-KR bytes, overlongs, surrogates and cut characters', () => {
    expect(isValidUtf8(new TextEncoder().encode('한글 ok é'))).toBe(true);
    expect(isValidUtf8(bytes(0xb0, 0xa1))).toBe(false);
    expect(isValidUtf8(bytes(0xc0, 0x80))).toBe(false);
    expect(isValidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(false);
    expect(isValidUtf8(bytes(0xe2, 0x82))).toBe(false);
  });
});

describe('hangulShare', () => {
  it('is the share of Hangul among non-ASCII characters', () => {
    expect(hangulShare('abc 한글')).toBe(1);
    expect(hangulShare('José')).toBe(0);
    expect(hangulShare('ascii')).toBe(0);
  });
});
