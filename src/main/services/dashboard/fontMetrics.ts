import fs from 'node:fs';

/**
 * Text widths from the very fonts resvg draws with, for ECharts' server-side layout.
 * Without a canvas, ECharts guesses widths (apache/echarts#17326), and long axis labels
 * (endpoints) were laid out narrower than drawn and cut off at the edge. Only what width
 * needs is read: `head` (units per em), `hhea` + `hmtx` (advances), `cmap` (formats 4 and 12).
 */
interface FontWidths {
  unitsPerEm: number;
  glyphOf(codePoint: number): number;
  advance(glyph: number): number;
}

function tables(font: Buffer): Map<string, { offset: number; length: number }> {
  const count = font.readUInt16BE(4);
  const map = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    map.set(font.toString('latin1', at, at + 4), { offset: font.readUInt32BE(at + 8), length: font.readUInt32BE(at + 12) });
  }
  return map;
}

function readFont(file: string): FontWidths {
  const font = fs.readFileSync(file);
  const t = tables(font);
  const head = t.get('head');
  const hhea = t.get('hhea');
  const hmtx = t.get('hmtx');
  const cmap = t.get('cmap');
  if (!head || !hhea || !hmtx || !cmap) throw new Error(`${file}: not a TrueType font with horizontal metrics`);
  const unitsPerEm = font.readUInt16BE(head.offset + 18);
  const metrics = font.readUInt16BE(hhea.offset + 34);
  const advance = (glyph: number) => font.readUInt16BE(hmtx.offset + 4 * Math.min(glyph, metrics - 1));

  // The best Unicode subtable: format 12 (full range) before format 4 (BMP).
  let format4 = -1;
  let format12 = -1;
  const subtables = font.readUInt16BE(cmap.offset + 2);
  for (let i = 0; i < subtables; i++) {
    const at = cmap.offset + 4 + 8 * i;
    const platform = font.readUInt16BE(at);
    const encoding = font.readUInt16BE(at + 2);
    const offset = cmap.offset + font.readUInt32BE(at + 4);
    const format = font.readUInt16BE(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 = offset;
    if (format === 4 && format4 < 0) format4 = offset;
  }
  const cache = new Map<number, number>();
  const glyphOf = (codePoint: number): number => {
    const known = cache.get(codePoint);
    if (known !== undefined) return known;
    let glyph = 0;
    if (format12 >= 0) {
      const groups = font.readUInt32BE(format12 + 12);
      for (let g = 0; g < groups; g++) {
        const at = format12 + 16 + 12 * g;
        const start = font.readUInt32BE(at);
        const end = font.readUInt32BE(at + 4);
        if (codePoint >= start && codePoint <= end) {
          glyph = font.readUInt32BE(at + 8) + codePoint - start;
          break;
        }
      }
    } else if (format4 >= 0 && codePoint <= 0xffff) {
      const segments = font.readUInt16BE(format4 + 6) / 2;
      const ends = format4 + 14;
      const starts = ends + 2 * segments + 2;
      const deltas = starts + 2 * segments;
      const rangeOffsets = deltas + 2 * segments;
      for (let s = 0; s < segments; s++) {
        if (codePoint > font.readUInt16BE(ends + 2 * s)) continue;
        const start = font.readUInt16BE(starts + 2 * s);
        if (codePoint < start) break;
        const delta = font.readInt16BE(deltas + 2 * s);
        const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * s);
        if (rangeOffset === 0) glyph = (codePoint + delta) & 0xffff;
        else {
          const at = rangeOffsets + 2 * s + rangeOffset + 2 * (codePoint - start);
          const raw = font.readUInt16BE(at);
          glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
        }
        break;
      }
    }
    cache.set(codePoint, glyph);
    return glyph;
  };
  return { unitsPerEm, glyphOf, advance };
}

/** A `measureText` for ECharts: each character from the first font that has it, as resvg does. */
export function createTextMeasurer(fontFiles: readonly string[]): (text: string, font?: string) => { width: number } {
  const fonts = fontFiles.filter((file) => fs.existsSync(file)).map(readFont);
  return (text, font) => {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
    let width = 0;
    for (const ch of text) {
      const codePoint = ch.codePointAt(0)!;
      const owner = fonts.find((f) => f.glyphOf(codePoint) !== 0);
      if (!owner) {
        // Not in our fonts (zrender also asks for 国 to get a line height): a full em for
        // wide scripts, a typical Latin advance otherwise.
        width += codePoint >= 0x1100 ? size : size * 0.6;
        continue;
      }
      width += (owner.advance(owner.glyphOf(codePoint)) / owner.unitsPerEm) * size;
    }
    // Bold titles are drawn with the regular face (no bold font ships); a little room anyway.
    return { width: /bold|[6-9]00/.test(font ?? '') ? width * 1.05 : width };
  };
}
