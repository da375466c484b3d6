/**
 * Builds the fonts chart images are drawn with (`resources/fonts/`), from fonts already on
 * the build machine, so exported PNGs and mailed charts show Korean on computers that have
 * no Korean font. `@resvg/resvg-js` reads TrueType/OpenType only and ignores fontconfig.
 *
 *   npx tsx scripts/fonts/build-chart-fonts.ts [--hangul FILE.woff2] [--latin FILE.ttf]
 *
 * - Hangul: NanumBarunGothic as rustdoc ships it (a WOFF2 subset of the 11,172 Hangul
 *   syllables and the compatibility jamo, SIL OFL 1.1), decoded to TrueType. The OFL
 *   forbids the Reserved Font Name on a modified version, so the decoded font is renamed
 *   "Logscope Hangul". 1.9 MB, against 19 MB for Debian's Noto Sans CJK collection.
 * - Latin, digits and symbols: DejaVu Sans as Debian ships it, unmodified (Bitstream Vera
 *   licence). resvg falls back to it, per character, for what the Hangul font lacks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSfnt, woff2ToSfnt } from './woff2';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(repoRoot, 'resources', 'fonts');

export const hangulFamily = 'Logscope Hangul';
const hangulFile = 'LogscopeHangul-Regular.ttf';
const latinFile = 'DejaVuSans.ttf';

function findRustdocNanum(): string | null {
  const toolchains = path.join(os.homedir(), '.rustup', 'toolchains');
  if (!fs.existsSync(toolchains)) return null;
  for (const toolchain of fs.readdirSync(toolchains)) {
    const dir = path.join(toolchains, toolchain, 'share/doc/rust/html/static.files');
    if (!fs.existsSync(dir)) continue;
    const file = fs.readdirSync(dir).find((f) => /^NanumBarunGothic-.*\.ttf\.woff2$/.test(f));
    if (file) return path.join(dir, file);
  }
  return null;
}

/** The sfnt's tables by tag. */
function readTables(font: Uint8Array): { flavor: number; tables: Map<string, Uint8Array> } {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const count = view.getUint16(4);
  const tables = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(...font.subarray(at, at + 4));
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    tables.set(tag, font.subarray(offset, offset + length));
  }
  return { flavor: view.getUint32(0), tables };
}

/** A `name` table (format 0) with Windows Unicode English records only. */
function nameTable(records: Record<number, string>): Uint8Array {
  const entries = Object.entries(records).map(([id, text]) => {
    const bytes = Buffer.from(text, 'utf16le').swap16();
    return { id: Number(id), bytes };
  });
  const headerSize = 6 + 12 * entries.length;
  const total = headerSize + entries.reduce((sum, e) => sum + e.bytes.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0);
  view.setUint16(2, entries.length);
  view.setUint16(4, headerSize);
  let offset = 0;
  entries.forEach((entry, i) => {
    const at = 6 + 12 * i;
    view.setUint16(at, 3); // Windows
    view.setUint16(at + 2, 1); // Unicode BMP
    view.setUint16(at + 4, 0x409); // English (US)
    view.setUint16(at + 6, entry.id);
    view.setUint16(at + 8, entry.bytes.length);
    view.setUint16(at + 10, offset);
    out.set(entry.bytes, headerSize + offset);
    offset += entry.bytes.length;
  });
  return out;
}

function main() {
  const { values } = parseArgs({ options: { hangul: { type: 'string' }, latin: { type: 'string' } } });
  const hangulSource = values.hangul ?? findRustdocNanum();
  const latinSource = values.latin ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  if (!hangulSource || !fs.existsSync(hangulSource)) throw new Error('NanumBarunGothic WOFF2 not found; pass --hangul FILE');
  if (!fs.existsSync(latinSource)) throw new Error(`${latinSource} not found; pass --latin FILE`);
  fs.mkdirSync(outDir, { recursive: true });

  const decoded = woff2ToSfnt(fs.readFileSync(hangulSource));
  const { flavor, tables } = readTables(decoded);
  tables.set(
    'name',
    nameTable({
      0: 'Copyright (c) 2010, NAVER Corporation (https://www.navercorp.com/). Modified (format, name) for Logscope.',
      1: hangulFamily,
      2: 'Regular',
      3: 'Logscope Hangul Regular 1.000; derived from NanumBarunGothic',
      4: `${hangulFamily} Regular`,
      5: 'Version 1.000',
      6: 'LogscopeHangul-Regular',
      13: 'This Font Software is licensed under the SIL Open Font License, Version 1.1.',
      14: 'https://openfontlicense.org',
    }),
  );
  fs.writeFileSync(path.join(outDir, hangulFile), buildSfnt(flavor, tables));
  fs.copyFileSync(latinSource, path.join(outDir, latinFile));

  const rustdocLicence = path.join(path.dirname(hangulSource), fs.readdirSync(path.dirname(hangulSource)).find((f) => f.startsWith('NanumBarunGothic-LICENSE')) ?? '');
  if (fs.existsSync(rustdocLicence) && fs.statSync(rustdocLicence).isFile()) {
    fs.copyFileSync(rustdocLicence, path.join(outDir, 'LogscopeHangul-OFL.txt'));
  }
  const dejavuCopyright = '/usr/share/doc/fonts-dejavu-core/copyright';
  if (fs.existsSync(dejavuCopyright)) fs.copyFileSync(dejavuCopyright, path.join(outDir, 'DejaVuSans-LICENSE.txt'));
  for (const file of [hangulFile, latinFile]) {
    console.log(`${file}: ${(fs.statSync(path.join(outDir, file)).size / 1e6).toFixed(2)} MB`);
  }
}

main();
