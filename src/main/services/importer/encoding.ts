import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { byteOrderMark, hangulShare, utf16WithoutMark, type EncodingName } from '../../../shared/detect/encoding';

/** iconv-lite's name for each supported encoding. */
const iconvNames: Record<EncodingName, string> = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  // WHATWG's EUC-KR is Microsoft's CP949 (Unified Hangul Code), a superset of EUC-KR.
  'euc-kr': 'cp949',
  'windows-1252': 'windows1252',
  shift_jis: 'shiftjis',
  'euc-jp': 'eucjp',
  gbk: 'gbk',
  gb18030: 'gb18030',
  big5: 'big5hkscs',
  'iso-8859-2': 'iso88592',
  'iso-8859-5': 'iso88595',
  'iso-8859-7': 'iso88597',
  'iso-8859-8': 'iso88598',
  'windows-1250': 'windows1250',
  'windows-1251': 'windows1251',
  'windows-1253': 'windows1253',
  'windows-1254': 'windows1254',
  'windows-1255': 'windows1255',
  'windows-1256': 'windows1256',
  'windows-1257': 'windows1257',
  'koi8-r': 'koi8r',
};

/** chardet's names for the encodings it can tell apart, as WHATWG names. */
const fromChardet: Record<string, EncodingName> = {
  'Shift_JIS': 'shift_jis',
  'EUC-JP': 'euc-jp',
  GB18030: 'gb18030',
  Big5: 'big5',
  'EUC-KR': 'euc-kr',
  'ISO-8859-5': 'iso-8859-5',
  'ISO-8859-7': 'iso-8859-7',
  'ISO-8859-8': 'iso-8859-8',
  'windows-1251': 'windows-1251',
  'windows-1253': 'windows-1253',
  'windows-1255': 'windows-1255',
  'windows-1256': 'windows-1256',
  'KOI8-R': 'koi8-r',
};

export interface EncodingGuess {
  encoding: EncodingName;
  /** A byte-order mark starts the bytes (it is not part of the text). */
  bom: boolean;
}

/**
 * The encoding of a file from its first bytes. UTF-8 is the answer whenever the lines that
 * hold non-ASCII bytes are mostly valid UTF-8 (the others become rejects); a legacy
 * encoding is chosen only from the lines that are not. Korean first: CP949 text is valid
 * CP949 and mostly Hangul once decoded — checked directly, because statistical detectors
 * take short EUC-KR text for windows-1252 or Greek (klogg#447). Then chardet for the
 * scripts it knows; what remains is read as windows-1252 (Latin-1).
 */
export function detectEncoding(head: Buffer): EncodingGuess {
  const mark = byteOrderMark(head);
  if (mark) return { encoding: mark.encoding, bom: true };
  const utf16 = utf16WithoutMark(head);
  if (utf16) return { encoding: utf16, bom: false };
  let nonAscii = 0;
  let valid = 0;
  const legacy: Buffer[] = [];
  forEachLine(head, (line) => {
    if (!hasHighByte(line)) return;
    nonAscii++;
    if (isUtf8(line)) valid++;
    else legacy.push(line);
  });
  if (nonAscii === 0 || valid >= nonAscii / 2) return { encoding: 'utf-8', bom: false };
  const bytes = Buffer.concat(legacy.slice(0, 2000));
  const asKorean = iconv.decode(bytes, 'cp949');
  const undecodable = asKorean.split('\uFFFD').length - 1;
  if (undecodable <= asKorean.length * 0.01 && hangulShare(asKorean) >= 0.5) return { encoding: 'euc-kr', bom: false };
  const guess = chardet.analyse(bytes).find((m) => m.confidence >= 50 && fromChardet[m.name]);
  return { encoding: guess ? fromChardet[guess.name]! : 'windows-1252', bom: false };
}

function hasHighByte(line: Buffer): boolean {
  for (let i = 0; i < line.length; i++) if (line[i]! >= 0x80) return true;
  return false;
}

function forEachLine(bytes: Buffer, visit: (line: Buffer) => void): void {
  let start = 0;
  for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
    visit(bytes.subarray(start, newline));
    start = newline + 1;
  }
  if (start < bytes.length) visit(bytes.subarray(start));
}

/**
 * Turns bytes of `encoding` into UTF-8 text with LF line ends, chunk by chunk (memory does
 * not grow with the file). Legacy encodings go line by line: a line that is valid UTF-8 is
 * kept as it is (a file that mixes encodings), a line that does not decode keeps its raw
 * bytes — invalid UTF-8, which DuckDB's reader then rejects with its line number, so the
 * line lands in the rejects instead of being silently garbled.
 */
export async function* convertToUtf8(source: AsyncIterable<Buffer>, encoding: EncodingName): AsyncGenerator<Buffer> {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const decoder = iconv.getDecoder(iconvNames[encoding]);
    let carriageReturn = false;
    const normalize = (text: string) => {
      let out = (carriageReturn ? '\r' : '') + text;
      carriageReturn = out.endsWith('\r');
      if (carriageReturn) out = out.slice(0, -1);
      return Buffer.from(out.replace(/\r\n/g, '\n'), 'utf8');
    };
    for await (const chunk of source) yield normalize(decoder.write(chunk));
    const rest = normalize(decoder.end() ?? '');
    yield carriageReturn ? Buffer.concat([rest, Buffer.from('\r')]) : rest;
    return;
  }
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const end = data.lastIndexOf(10);
    if (end === -1) {
      pending = data;
      continue;
    }
    yield convertLines(data.subarray(0, end + 1), encoding);
    pending = Buffer.from(data.subarray(end + 1));
  }
  if (pending.length) yield convertLines(pending, encoding);
}

/** Whole lines (each ending in LF, but perhaps the last) to UTF-8, as `convertToUtf8` does. */
export function convertLines(bytes: Buffer, encoding: EncodingName): Buffer {
  const name = iconvNames[encoding];
  const newline = Buffer.from('\n');
  const terminated = bytes[bytes.length - 1] === 10;
  const body = terminated ? bytes.subarray(0, -1) : bytes;
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = body.indexOf(10); ; end = body.indexOf(10, start)) {
    const line = body.subarray(start, end === -1 ? body.length : end);
    lines.push(line[line.length - 1] === 13 ? line.subarray(0, -1) : line);
    if (end === -1) break;
    start = end + 1;
  }
  // Units of output, joined by LF: a line as it is, or a batch of consecutive lines that
  // need decoding — decoded together, and taken apart only when one of them does not decode.
  const units: Buffer[] = [];
  let batch: Buffer[] = [];
  const flush = () => {
    if (!batch.length) return;
    const decoded = iconv.decode(Buffer.concat(batch.flatMap((l, i) => (i ? [newline, l] : [l]))), name);
    if (!decoded.includes('\uFFFD')) units.push(Buffer.from(decoded, 'utf8'));
    else {
      for (const line of batch) {
        const text = iconv.decode(line, name);
        units.push(text.includes('\uFFFD') ? line : Buffer.from(text, 'utf8'));
      }
    }
    batch = [];
  };
  for (const line of lines) {
    if (encoding !== 'utf-8' && hasHighByte(line) && !isUtf8(line)) batch.push(line);
    else {
      flush();
      units.push(line);
    }
  }
  flush();
  const parts = units.flatMap((unit, i) => (i ? [newline, unit] : [unit]));
  if (terminated) parts.push(newline);
  return Buffer.concat(parts);
}

/** A sample's bytes as UTF-8 text (its first bytes, without the byte-order mark). */
export function sampleToUtf8(head: Buffer, guess: EncodingGuess): Buffer {
  const mark = guess.bom ? byteOrderMark(head) : null;
  const bytes = mark ? head.subarray(mark.length) : head;
  if (guess.encoding === 'utf-8') return bytes;
  if (guess.encoding === 'utf-16le' || guess.encoding === 'utf-16be') {
    // An odd byte at the end is half a character cut off by the sample.
    const even = bytes.subarray(0, bytes.length & ~1);
    return Buffer.from(iconv.decode(even, iconvNames[guess.encoding], { stripBOM: true }).replace(/\r\n/g, '\n'), 'utf8');
  }
  return convertLines(bytes, guess.encoding);
}
