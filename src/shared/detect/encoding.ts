/**
 * Text encodings by their WHATWG names (https://encoding.spec.whatwg.org/#names-and-labels),
 * which is what the `encoding` key reports: `utf-8`, `utf-16le`, `euc-kr`, `windows-1252`…
 * The labels people type (`cp949`, `latin1`, `sjis`) map to those names. ISO-8859-1 is
 * `windows-1252` there, as browsers decode it.
 */
export const supportedEncodings = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'euc-kr',
  'windows-1252',
  'shift_jis',
  'euc-jp',
  'gbk',
  'gb18030',
  'big5',
  'iso-8859-2',
  'iso-8859-5',
  'iso-8859-7',
  'iso-8859-8',
  'windows-1250',
  'windows-1251',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'koi8-r',
] as const;
export type EncodingName = (typeof supportedEncodings)[number];

const aliases: Record<string, EncodingName> = {
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'utf-16': 'utf-16le',
  utf16: 'utf-16le',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
  unicode: 'utf-16le',
  'ucs-2': 'utf-16le',
  cp949: 'euc-kr',
  'windows-949': 'euc-kr',
  uhc: 'euc-kr',
  euckr: 'euc-kr',
  korean: 'euc-kr',
  'ks_c_5601-1987': 'euc-kr',
  'ks_c_5601-1989': 'euc-kr',
  ksc5601: 'euc-kr',
  ksc_5601: 'euc-kr',
  'iso-ir-149': 'euc-kr',
  cseuckr: 'euc-kr',
  csksc56011987: 'euc-kr',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  l1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  iso88591: 'windows-1252',
  'iso_8859-1': 'windows-1252',
  cp1252: 'windows-1252',
  'x-cp1252': 'windows-1252',
  ascii: 'windows-1252',
  'us-ascii': 'windows-1252',
  sjis: 'shift_jis',
  'shift-jis': 'shift_jis',
  ms932: 'shift_jis',
  'windows-31j': 'shift_jis',
  eucjp: 'euc-jp',
  gb2312: 'gbk',
  cp936: 'gbk',
  'x-gbk': 'gbk',
  'big5-hkscs': 'big5',
  cp1250: 'windows-1250',
  cp1251: 'windows-1251',
  cp1253: 'windows-1253',
  cp1254: 'windows-1254',
  cp1255: 'windows-1255',
  cp1256: 'windows-1256',
  cp1257: 'windows-1257',
  'iso-8859-9': 'windows-1254',
  latin2: 'iso-8859-2',
  koi8r: 'koi8-r',
};

/** The WHATWG name of a label a user gave, or null when Logscope cannot decode it. */
export function canonicalEncoding(label: string): EncodingName | null {
  const key = label.trim().toLowerCase();
  if ((supportedEncodings as readonly string[]).includes(key)) return key as EncodingName;
  return aliases[key] ?? aliases[key.replaceAll('_', '-')] ?? null;
}

/** A byte-order mark at the start, and how long it is. */
export function byteOrderMark(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/**
 * UTF-16 without a byte-order mark: text that is mostly ASCII has a zero in every other byte
 * — the odd ones in little endian, the even ones in big endian. Other files have few zeros,
 * or zeros in runs (a crash's NUL padding), not at one parity.
 */
export function utf16WithoutMark(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const length = Math.min(bytes.length, 4096) & ~1;
  if (length < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Strict UTF-8 validity (no overlongs, no surrogates, nothing above U+10FFFF). */
export function isValidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return false;
    if (i + need >= end) return false;
    let code = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return false;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/** Share of Hangul among the non-ASCII characters of decoded text (0 when there are none). */
export function hangulShare(text: string): number {
  let nonAscii = 0;
  let hangul = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) continue;
    nonAscii++;
    if ((code >= 0xac00 && code <= 0xd7a3) || (code >= 0x3131 && code <= 0x318e) || (code >= 0x1100 && code <= 0x11ff)) hangul++;
  }
  return nonAscii === 0 ? 0 : hangul / nonAscii;
}
