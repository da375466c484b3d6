import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import yazl from 'yazl';

/**
 * Raw RFC 5322 messages built byte by byte, so each test controls exactly how a file name
 * is encoded and how a part is transferred — the cases real mailers produce.
 */

export type NameEncoding = 'plain' | 'rfc2231-utf8' | 'rfc2231-euckr' | 'rfc2047-euckr' | 'rfc2047-utf8' | 'raw-euckr';

export interface FixtureAttachment {
  name: string;
  content: Buffer;
  contentType?: string;
  nameEncoding?: NameEncoding;
  /** Body as given (already encoded) instead of base64 of `content`: for malformed parts. */
  rawBody?: string;
  disposition?: 'attachment' | 'inline';
}

export interface FixtureMessage {
  from?: string;
  subject?: string;
  messageId?: string | null;
  date?: string;
  text?: string;
  attachments?: FixtureAttachment[];
}

const percent = (bytes: Buffer) => [...bytes].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');

function nameParameters(name: string, encoding: NameEncoding): { type: Buffer; disposition: Buffer } {
  switch (encoding) {
    case 'plain':
      return { type: Buffer.from(`; name="${name}"`), disposition: Buffer.from(`; filename="${name}"`) };
    case 'rfc2231-utf8': {
      const value = `UTF-8''${percent(Buffer.from(name))}`;
      return { type: Buffer.from(''), disposition: Buffer.from(`;\r\n filename*=${value}`) };
    }
    case 'rfc2231-euckr': {
      // Split over two continuations, as long names are.
      const bytes = iconv.encode(name, 'euc-kr');
      const half = Math.floor(bytes.length / 4) * 2;
      return {
        type: Buffer.from(''),
        disposition: Buffer.from(`;\r\n filename*0*=euc-kr''${percent(bytes.subarray(0, half))};\r\n filename*1*=${percent(bytes.subarray(half))}`),
      };
    }
    case 'rfc2047-euckr': {
      const word = `=?EUC-KR?B?${iconv.encode(name, 'euc-kr').toString('base64')}?=`;
      return { type: Buffer.from(`; name="${word}"`), disposition: Buffer.from(`; filename="${word}"`) };
    }
    case 'rfc2047-utf8': {
      const word = `=?UTF-8?B?${Buffer.from(name).toString('base64')}?=`;
      return { type: Buffer.from(`; name="${word}"`), disposition: Buffer.from(`; filename="${word}"`) };
    }
    case 'raw-euckr': {
      const raw = iconv.encode(name, 'euc-kr');
      return { type: Buffer.from(''), disposition: Buffer.concat([Buffer.from('; filename="'), raw, Buffer.from('"')]) };
    }
  }
}

const base64Lines = (content: Buffer) => (content.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

let counter = 0;

export function buildMessage(message: FixtureMessage): Buffer {
  const boundary = `=_logscope_${++counter}_${Math.random().toString(36).slice(2)}`;
  const subject = message.subject ?? 'logs';
  const headers = [
    `From: ${message.from ?? 'Log Server <logs@server01.example.test>'}`,
    'To: Analyst <analyst@example.test>',
    // Non-ASCII subjects travel as an encoded word, as mailers send them.
    `Subject: ${/^[\x20-\x7e]*$/.test(subject) ? subject : `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`}`,
    ...(message.messageId === null ? [] : [`Message-ID: ${message.messageId ?? `<fixture-${counter}@example.test>`}`]),
    `Date: ${message.date ?? 'Tue, 25 Nov 2025 09:00:00 +0900'}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const chunks: Buffer[] = [Buffer.from(headers.join('\r\n') + '\r\n\r\nThis is a multi-part message in MIME format.\r\n')];
  chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${message.text ?? 'Logs attached.'}\r\n`));
  for (const attachment of message.attachments ?? []) {
    const params = nameParameters(attachment.name, attachment.nameEncoding ?? 'plain');
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: ${attachment.contentType ?? 'application/octet-stream'}`),
      params.type,
      Buffer.from(`\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: ${attachment.disposition ?? 'attachment'}`),
      params.disposition,
      Buffer.from(`\r\n\r\n${attachment.rawBody ?? base64Lines(attachment.content)}\r\n`),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A CSV log with `rows` records, distinct per `seed`, starting at `start`. */
export function csvLog(rows: number, seed: number, start = Date.UTC(2025, 10, 24, 0, 0, 0)): Buffer {
  const lines = ['time,level,service,latency_ms,message'];
  for (let i = 0; i < rows; i++) {
    const level = (i + seed) % 11 === 0 ? 'ERROR' : (i + seed) % 5 === 0 ? 'WARN' : 'INFO';
    lines.push(`${new Date(start + i * 1000 + seed * 60_000).toISOString()},${level},svc-${seed % 7},${(i * 37 + seed) % 900},request ${seed}-${i} done`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export const gzip = (content: Buffer) => gzipSync(content);

export function zip(files: { name: string; content: Buffer }[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = new yazl.ZipFile();
    for (const file of files) archive.addBuffer(file.content, file.name, { mtime: new Date(Date.UTC(2025, 10, 24)) });
    archive.end();
    const parts: Buffer[] = [];
    archive.outputStream.on('data', (chunk: Buffer) => parts.push(chunk));
    archive.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    archive.outputStream.on('error', reject);
  });
}
