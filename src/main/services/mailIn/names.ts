import iconv from 'iconv-lite';

/**
 * Attachment file names as senders really write them: RFC 2047 encoded words
 * (`=?EUC-KR?B?…?=`), RFC 2231 parameters (`filename*=euc-kr''%B7%CE…`, continued over
 * `filename*0*`, `filename*1*`), and — common from Korean mailers — raw 8-bit bytes in
 * EUC-KR/CP949 with no encoding at all. imapflow decodes the first two from BODYSTRUCTURE;
 * the raw case reaches it as U+FFFD, and is decoded here from the part's own MIME header.
 */

/** Whether a name decoded from BODYSTRUCTURE lost bytes (raw 8-bit) or kept an encoded word. */
export function nameNeedsHeader(name: string | undefined): boolean {
  if (!name) return false;
  return name.includes('\uFFFD') || /=\?[^?]+\?[BbQq]\?[^?]*\?=/.test(name);
}

/** Text from bytes of an unlabelled header: UTF-8 when valid, else CP949 (a superset of EUC-KR). */
export function decodeUnlabelled(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'cp949');
  }
}

function decodeCharset(bytes: Buffer, charset: string): string {
  const label = charset.trim().toLowerCase();
  // EUC-KR mail is CP949 in practice (it carries the extended Hangul syllables too).
  const name = label === 'euc-kr' || label === 'ks_c_5601-1987' || label === 'ksc5601' ? 'cp949' : label;
  if (!iconv.encodingExists(name)) return decodeUnlabelled(bytes);
  return iconv.decode(bytes, name);
}

/** RFC 2047: `=?charset?B|Q?…?=` words, with the blank between two adjacent words dropped. */
export function decodeEncodedWords(text: string): string {
  return text
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, data: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return decodeCharset(bytes, charset);
    });
}

function percentBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'latin1'));
    }
  }
  return Buffer.from(bytes);
}

/** Header parameters (`; name=value`, quoted strings, RFC 2231 continuations and charsets). */
export function headerParameters(value: Buffer): Map<string, string> {
  // Latin-1 keeps every byte as one char, so raw 8-bit names survive until decoded below.
  const text = value.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const pieces = new Map<string, { index: number; encoded: boolean; value: string }[]>();
  const plain = new Map<string, string>();
  const pattern = /;\s*([^\s=;*]+)(\*(\d+))?(\*)?\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]*)/g;
  for (const match of text.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    const raw = match[6] !== undefined ? match[6].replace(/\\(.)/g, '$1') : (match[5] ?? '');
    if (match[2] === undefined && match[4] === undefined) {
      plain.set(name, raw);
      continue;
    }
    const list = pieces.get(name) ?? [];
    list.push({ index: match[3] === undefined ? 0 : Number(match[3]), encoded: match[4] !== undefined, value: raw });
    pieces.set(name, list);
  }
  const result = new Map<string, string>();
  for (const [name, raw] of plain) result.set(name, decodeEncodedWords(decodeUnlabelled(Buffer.from(raw, 'latin1'))));
  for (const [name, list] of pieces) {
    list.sort((a, b) => a.index - b.index);
    // RFC 2231: the first encoded piece carries `charset'language'`.
    let charset: string | null = null;
    const bytes: Buffer[] = [];
    for (const [position, piece] of list.entries()) {
      let data = piece.value;
      if (position === 0 && piece.encoded) {
        const quote = /^([^']*)'[^']*'/.exec(data);
        if (quote) {
          charset = quote[1] || null;
          data = data.slice(quote[0].length);
        }
      }
      bytes.push(piece.encoded ? percentBytes(data) : Buffer.from(data, 'latin1'));
    }
    const joined = Buffer.concat(bytes);
    result.set(name, charset ? decodeCharset(joined, charset) : decodeUnlabelled(joined));
  }
  return result;
}

/** The file name a part's MIME header gives: Content-Disposition `filename`, else Content-Type `name`. */
export function fileNameFromMimeHeader(header: Buffer): string | null {
  const fields = new Map<string, Buffer>();
  const text = header.toString('latin1');
  for (const field of text.split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    fields.set(field.slice(0, colon).trim().toLowerCase(), Buffer.from(field.slice(colon + 1), 'latin1'));
  }
  const disposition = fields.get('content-disposition');
  const type = fields.get('content-type');
  return (disposition && headerParameters(disposition).get('filename')) || (type && headerParameters(type).get('name')) || null;
}
