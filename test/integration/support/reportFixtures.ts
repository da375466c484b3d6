import fs from 'node:fs';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { createServiceLogGenerator, formatJsonLine } from '../../../src/shared/synth/serviceLog';

/**
 * A service log for the report tests: three days of the deterministic generator, plus
 * lines an attacker could put into a log: a `<script>` and an `<img onerror>` in error
 * messages, a path that a spreadsheet would run as a formula.
 */
export const hostileMessage = '<script>alert("pwned")</script> export failed';
export const hostileImage = '<img src=x onerror=alert(1)> upstream refused';
export const formulaPath = '=1+2';

export function writeReportFixture(dir: string, name = 'svc.jsonl'): string {
  fs.mkdirSync(dir, { recursive: true });
  const start = Date.parse('2024-03-04T00:00:00Z');
  const lines: string[] = [];
  for (const record of createServiceLogGenerator({ lines: 18_000, seed: 11, start: '2024-03-04T00:00:00Z', days: 3 })) lines.push(formatJsonLine(record));
  const extra = (i: number, at: number, fields: { path: string; status: number; level: string; message: string }) =>
    JSON.stringify({
      time: new Date(at).toISOString(),
      level: fields.level,
      method: 'GET',
      path: fields.path,
      status: fields.status,
      latency_ms: 40 + (i % 17),
      bytes: 512,
      user: null,
      message: fields.message,
      client: { ip: `10.9.${i % 7}.${i % 11}`, user_agent: 'fixture' },
    });
  // The last day only, so these are new in "the last 24 hours" and absent before.
  const lastDay = start + 2 * 86_400_000;
  for (let i = 0; i < 400; i++) {
    const at = lastDay + Math.floor((i / 400) * 86_000_000);
    lines.push(extra(i, at, { path: '/api/v1/export', status: 500, level: 'ERROR', message: hostileMessage }));
    if (i % 2 === 0) lines.push(extra(i, at + 1, { path: '/api/v1/images', status: 502, level: 'ERROR', message: hostileImage }));
  }
  // Over all three days: a formula-looking path frequent enough to be a top endpoint.
  for (let i = 0; i < 1800; i++) lines.push(extra(i, start + Math.floor((i / 1800) * 3 * 86_400_000), { path: formulaPath, status: 200, level: 'INFO', message: 'formula path served' }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * Checks that `bytes` is a whole PNG a viewer can decode: the signature, every chunk's CRC,
 * and IDAT data that inflates to exactly one filter byte plus a row of pixels per line.
 */
export function decodePng(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let bytesPerPixel = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString('latin1');
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8]!;
      const colourType = data[9]!;
      const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colourType];
      if (!channels || bitDepth !== 8) throw new Error(`unexpected PNG format ${colourType}/${bitDepth}`);
      bytesPerPixel = channels;
    }
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ended) throw new Error('no IEND chunk');
  const pixels = inflateSync(Buffer.concat(idat));
  if (pixels.length !== height * (1 + width * bytesPerPixel)) throw new Error(`pixel data of ${pixels.length} bytes for ${width}×${height}`);
  return { width, height };
}
