import zlib from 'node:zlib';

/**
 * A WOFF2 → TrueType (sfnt) decoder, enough for the single-font files web font tools
 * write (W3C WOFF 2.0, https://www.w3.org/TR/WOFF2/): the Brotli stream, the known-tag
 * table directory, and the reconstruction of the transformed `glyf`/`loca` (section 5.1)
 * and `hmtx` (section 5.4) tables. Font collections and metadata blocks are refused.
 * Used once, by `build-chart-font.ts`, to turn a font already on the build machine into
 * the TrueType file `@resvg/resvg-js` can load (it reads no WOFF2).
 */

const knownTags = [
  'cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'OS/2', 'post', 'cvt ', 'fpgm', 'glyf', 'loca', 'prep', 'CFF ', 'VORG', 'EBDT',
  'EBLC', 'gasp', 'hdmx', 'kern', 'LTSH', 'PCLT', 'VDMX', 'vhea', 'vmtx', 'BASE', 'GDEF', 'GPOS', 'GSUB', 'EBSC', 'JSTF', 'MATH',
  'CBDT', 'CBLC', 'COLR', 'CPAL', 'SVG ', 'sbix', 'acnt', 'avar', 'bdat', 'bloc', 'bsln', 'cvar', 'fdsc', 'feat', 'fmtx', 'fvar',
  'gvar', 'hsty', 'just', 'lcar', 'mort', 'morx', 'opbd', 'prop', 'trak', 'Zapf', 'Silf', 'Glat', 'Gloc', 'Feat', 'Sill',
];

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.offset = start;
  }
  private view() {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }
  u8(): number {
    if (this.offset >= this.end) throw new Error('woff2: read past the end of a stream');
    return this.bytes[this.offset++]!;
  }
  u16(): number {
    const v = this.view().getUint16(this.offset);
    this.offset += 2;
    return v;
  }
  i16(): number {
    const v = this.view().getInt16(this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    const v = this.view().getUint32(this.offset);
    this.offset += 4;
    return v;
  }
  take(n: number): Uint8Array {
    if (this.offset + n > this.end) throw new Error('woff2: stream too short');
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  /** UIntBase128 (section 4.1). */
  base128(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      if (i === 0 && byte === 0x80) throw new Error('woff2: UIntBase128 with a leading zero');
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('woff2: UIntBase128 longer than 5 bytes');
  }
  /** 255UInt16 (section 4.2). */
  u255(): number {
    const code = this.u8();
    if (code === 253) return this.u16();
    if (code === 255) return 253 + this.u8();
    if (code === 254) return 506 + this.u8();
    return code;
  }
}

interface TableEntry {
  tag: string;
  transformVersion: number;
  origLength: number;
  transformLength: number;
  data?: Uint8Array;
}

export function woff2ToSfnt(woff2: Uint8Array): Uint8Array {
  const r = new Reader(woff2);
  if (r.u32() !== 0x774f4632) throw new Error('not a WOFF2 file');
  const flavor = r.u32();
  if (flavor === 0x74746366) throw new Error('woff2: font collections are not supported');
  r.u32(); // length
  const numTables = r.u16();
  r.u16(); // reserved
  r.u32(); // totalSfntSize
  const totalCompressedSize = r.u32();
  r.offset += 4 + 4 * 5; // versions, metadata and private blocks (ignored)

  const tables: TableEntry[] = [];
  for (let i = 0; i < numTables; i++) {
    const flags = r.u8();
    const tag = (flags & 63) === 63 ? String.fromCharCode(...r.take(4)) : knownTags[flags & 63]!;
    const transformVersion = flags >> 6;
    const origLength = r.base128();
    const transformed = tag === 'glyf' || tag === 'loca' ? transformVersion === 0 : transformVersion !== 0;
    const transformLength = transformed ? r.base128() : origLength;
    tables.push({ tag, transformVersion, origLength, transformLength });
  }
  const stream = new Uint8Array(zlib.brotliDecompressSync(woff2.subarray(r.offset, r.offset + totalCompressedSize)));
  let at = 0;
  for (const table of tables) {
    table.data = stream.subarray(at, at + table.transformLength);
    at += table.transformLength;
  }

  const byTag = new Map(tables.map((t) => [t.tag, t]));
  const out = new Map<string, Uint8Array>();
  const glyf = byTag.get('glyf');
  if (glyf && glyf.transformVersion === 0) {
    const rebuilt = reconstructGlyf(glyf.data!);
    out.set('glyf', rebuilt.glyf);
    out.set('loca', rebuilt.loca);
    const hmtx = byTag.get('hmtx');
    if (hmtx && hmtx.transformVersion === 1) {
      out.set('hmtx', reconstructHmtx(hmtx.data!, rebuilt.xMins, byTag.get('hhea')!.data!, rebuilt.numGlyphs));
    }
  } else if (byTag.get('hmtx')?.transformVersion === 1) {
    throw new Error('woff2: a transformed hmtx needs a transformed glyf');
  }
  for (const table of tables) if (!out.has(table.tag)) out.set(table.tag, table.data!);
  return buildSfnt(flavor, out);
}

function reconstructGlyf(data: Uint8Array) {
  const h = new Reader(data);
  h.u16(); // reserved
  const optionFlags = h.u16();
  const numGlyphs = h.u16();
  const indexFormat = h.u16();
  const sizes = Array.from({ length: 7 }, () => h.u32());
  let start = h.offset;
  const streams = sizes.map((size) => {
    const stream = new Reader(data, start, start + size);
    start += size;
    return stream;
  });
  const [nContourStream, nPointsStream, flagStream, glyphStream, compositeStream, bboxStream, instructionStream] = streams as [
    Reader, Reader, Reader, Reader, Reader, Reader, Reader,
  ];
  const bboxBitmapLength = 4 * Math.floor((numGlyphs + 31) / 32);
  const bboxBitmap = bboxStream.take(bboxBitmapLength);
  void optionFlags; // bit 0: an overlapSimpleBitmap follows the streams; it only sets a flag bit we may leave clear.

  const glyphs: Uint8Array[] = [];
  const xMins: number[] = [];
  for (let g = 0; g < numGlyphs; g++) {
    const nContours = nContourStream.i16();
    const hasBbox = (bboxBitmap[g >> 3]! & (0x80 >> (g & 7))) !== 0;
    if (nContours === 0) {
      if (hasBbox) throw new Error(`woff2: empty glyph ${g} with a bounding box`);
      glyphs.push(new Uint8Array(0));
      xMins.push(0);
      continue;
    }
    if (nContours > 0) {
      const endPoints: number[] = [];
      let total = 0;
      for (let c = 0; c < nContours; c++) {
        total += nPointsStream.u255();
        endPoints.push(total - 1);
      }
      const xs: number[] = [];
      const ys: number[] = [];
      const onCurve: boolean[] = [];
      let x = 0;
      let y = 0;
      for (let p = 0; p < total; p++) {
        const flag = flagStream.u8();
        const [dx, dy] = decodeTriplet(flag & 0x7f, glyphStream);
        x += dx;
        y += dy;
        xs.push(x);
        ys.push(y);
        onCurve.push((flag & 0x80) === 0);
      }
      const instructionLength = glyphStream.u255();
      const instructions = instructionStream.take(instructionLength);
      let box: [number, number, number, number];
      if (hasBbox) box = [bboxStream.i16(), bboxStream.i16(), bboxStream.i16(), bboxStream.i16()];
      else box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      glyphs.push(encodeSimpleGlyph(box, endPoints, instructions, xs, ys, onCurve));
      xMins.push(box[0]);
      continue;
    }
    // Composite: its component records are copied as they are; the bounding box is explicit.
    if (!hasBbox) throw new Error(`woff2: composite glyph ${g} without a bounding box`);
    const box = [bboxStream.i16(), bboxStream.i16(), bboxStream.i16(), bboxStream.i16()];
    const componentStart = compositeStream.offset;
    let hasInstructions = false;
    for (;;) {
      const flags = compositeStream.u16();
      compositeStream.u16(); // glyph index
      let argumentBytes = flags & 0x0001 ? 4 : 2;
      if (flags & 0x0008) argumentBytes += 2;
      else if (flags & 0x0040) argumentBytes += 4;
      else if (flags & 0x0080) argumentBytes += 8;
      compositeStream.take(argumentBytes);
      if (flags & 0x0100) hasInstructions = true;
      if (!(flags & 0x0020)) break;
    }
    const components = data.subarray(componentStart, compositeStream.offset);
    let instructions: Uint8Array = new Uint8Array(0);
    if (hasInstructions) instructions = instructionStream.take(glyphStream.u255());
    const glyph = new Uint8Array(10 + components.length + (hasInstructions ? 2 + instructions.length : 0));
    const view = new DataView(glyph.buffer);
    view.setInt16(0, -1);
    box.forEach((v, i) => view.setInt16(2 + 2 * i, v));
    glyph.set(components, 10);
    if (hasInstructions) {
      view.setUint16(10 + components.length, instructions.length);
      glyph.set(instructions, 12 + components.length);
    }
    glyphs.push(glyph);
    xMins.push(box[0]!);
  }

  // loca: offsets of the 4-byte aligned glyphs.
  let total = 0;
  const offsets: number[] = [];
  for (const glyph of glyphs) {
    offsets.push(total);
    total += (glyph.length + 3) & ~3;
  }
  offsets.push(total);
  const glyf = new Uint8Array(total);
  glyphs.forEach((glyph, i) => glyf.set(glyph, offsets[i]!));
  const loca = new Uint8Array(offsets.length * (indexFormat ? 4 : 2));
  const lv = new DataView(loca.buffer);
  offsets.forEach((o, i) => (indexFormat ? lv.setUint32(4 * i, o) : lv.setUint16(2 * i, o / 2)));
  return { glyf, loca, xMins, numGlyphs };
}

/** Section 5.2's triplet encoding: the flag's low 7 bits say how many bytes and which signs. */
function decodeTriplet(flag: number, s: Reader): [number, number] {
  const sign = (value: number, positive: boolean) => (positive ? value : -value);
  if (flag < 10) {
    const b0 = s.u8();
    return [0, sign(((flag & 14) << 7) + b0, (flag & 1) !== 0)];
  }
  if (flag < 20) {
    const b0 = s.u8();
    return [sign((((flag - 10) & 14) << 7) + b0, (flag & 1) !== 0), 0];
  }
  if (flag < 84) {
    const b0 = s.u8();
    const f = flag - 20;
    return [sign(1 + (f & 0x30) + (b0 >> 4), (f & 1) !== 0), sign(1 + ((f & 0x0c) << 2) + (b0 & 0x0f), (f & 2) !== 0)];
  }
  if (flag < 120) {
    const b0 = s.u8();
    const b1 = s.u8();
    const f = flag - 84;
    return [sign(1 + Math.floor(f / 12) * 256 + b0, (f & 1) !== 0), sign(1 + ((f % 12) >> 2) * 256 + b1, (f & 2) !== 0)];
  }
  if (flag < 124) {
    const b0 = s.u8();
    const b1 = s.u8();
    const b2 = s.u8();
    return [sign((b0 << 4) + (b1 >> 4), (flag & 1) !== 0), sign(((b1 & 0x0f) << 8) + b2, (flag & 2) !== 0)];
  }
  const b0 = s.u8();
  const b1 = s.u8();
  const b2 = s.u8();
  const b3 = s.u8();
  return [sign((b0 << 8) + b1, (flag & 1) !== 0), sign((b2 << 8) + b3, (flag & 2) !== 0)];
}

/**
 * A simple glyph in TrueType form, packed as a font compiler would: a coordinate delta that
 * fits a byte is stored as one byte with its sign in the flag, a zero delta not at all, and
 * runs of the same flag use the repeat bit.
 */
function encodeSimpleGlyph(
  box: [number, number, number, number],
  endPoints: number[],
  instructions: Uint8Array,
  xs: number[],
  ys: number[],
  onCurve: boolean[],
): Uint8Array {
  const n = xs.length;
  const flags: number[] = [];
  const xBytes: number[] = [];
  const yBytes: number[] = [];
  const pushDelta = (delta: number, bytes: number[], shortBit: number, sameBit: number): number => {
    if (delta === 0) return sameBit;
    if (Math.abs(delta) <= 255) {
      bytes.push(Math.abs(delta));
      return shortBit | (delta > 0 ? sameBit : 0);
    }
    bytes.push((delta >> 8) & 0xff, delta & 0xff);
    return 0;
  };
  for (let p = 0; p < n; p++) {
    let flag = onCurve[p] ? 0x01 : 0;
    flag |= pushDelta(xs[p]! - (p ? xs[p - 1]! : 0), xBytes, 0x02, 0x10);
    flag |= pushDelta(ys[p]! - (p ? ys[p - 1]! : 0), yBytes, 0x04, 0x20);
    flags.push(flag);
  }
  const packedFlags: number[] = [];
  for (let p = 0; p < n; ) {
    let run = 1;
    while (p + run < n && flags[p + run] === flags[p] && run < 256) run++;
    if (run > 1) {
      packedFlags.push(flags[p]! | 0x08, run - 1);
    } else {
      packedFlags.push(flags[p]!);
    }
    p += run;
  }
  const size = 10 + 2 * endPoints.length + 2 + instructions.length + packedFlags.length + xBytes.length + yBytes.length;
  const glyph = new Uint8Array(size);
  const v = new DataView(glyph.buffer);
  v.setInt16(0, endPoints.length);
  box.forEach((value, i) => v.setInt16(2 + 2 * i, value));
  let o = 10;
  for (const end of endPoints) {
    v.setUint16(o, end);
    o += 2;
  }
  v.setUint16(o, instructions.length);
  o += 2;
  glyph.set(instructions, o);
  o += instructions.length;
  glyph.set(packedFlags, o);
  o += packedFlags.length;
  glyph.set(xBytes, o);
  o += xBytes.length;
  glyph.set(yBytes, o);
  return glyph;
}

function reconstructHmtx(data: Uint8Array, xMins: number[], hhea: Uint8Array, numGlyphs: number): Uint8Array {
  const numberOfHMetrics = new DataView(hhea.buffer, hhea.byteOffset).getUint16(34);
  const r = new Reader(data);
  const flags = r.u8();
  const advances = Array.from({ length: numberOfHMetrics }, () => r.u16());
  const lsbs = Array.from({ length: numberOfHMetrics }, (_, i) => (flags & 1 ? xMins[i]! : r.i16()));
  const tail = Array.from({ length: numGlyphs - numberOfHMetrics }, (_, i) => (flags & 2 ? xMins[numberOfHMetrics + i]! : r.i16()));
  const out = new Uint8Array(4 * numberOfHMetrics + 2 * tail.length);
  const v = new DataView(out.buffer);
  advances.forEach((a, i) => {
    v.setUint16(4 * i, a);
    v.setInt16(4 * i + 2, lsbs[i]!);
  });
  tail.forEach((l, i) => v.setInt16(4 * numberOfHMetrics + 2 * i, l));
  return out;
}

function checksum(bytes: Uint8Array): number {
  const padded = new Uint8Array((bytes.length + 3) & ~3);
  padded.set(bytes);
  const v = new DataView(padded.buffer);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  return sum;
}

/** An sfnt with its tables in tag order, 4-byte aligned, checksums and head's adjustment set. */
export function buildSfnt(flavor: number, tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const numTables = tags.length;
  const headerSize = 12 + 16 * numTables;
  let size = headerSize;
  for (const tag of tags) size += (tables.get(tag)!.length + 3) & ~3;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const entrySelector = Math.floor(Math.log2(numTables));
  v.setUint32(0, flavor);
  v.setUint16(4, numTables);
  v.setUint16(6, 16 * 2 ** entrySelector);
  v.setUint16(8, entrySelector);
  v.setUint16(10, numTables * 16 - 16 * 2 ** entrySelector);
  let offset = headerSize;
  let headOffset = -1;
  tags.forEach((tag, i) => {
    let data = tables.get(tag)!;
    if (tag === 'head') {
      data = new Uint8Array(data);
      new DataView(data.buffer).setUint32(8, 0); // checkSumAdjustment is computed over the whole file below
      headOffset = offset;
    }
    for (let k = 0; k < 4; k++) out[12 + 16 * i + k] = tag.charCodeAt(k);
    v.setUint32(12 + 16 * i + 4, checksum(data));
    v.setUint32(12 + 16 * i + 8, offset);
    v.setUint32(12 + 16 * i + 12, data.length);
    out.set(data, offset);
    offset += (data.length + 3) & ~3;
  });
  if (headOffset >= 0) v.setUint32(headOffset + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
