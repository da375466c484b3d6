import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { jsonLines, runCli } from './support/cli';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { chartFontFiles, findFontDir } from '../../src/main/services/dashboard/render';

const dataDir = tempDataDir('logscope-chart-cli-');
const out = (name: string) => path.join(dataDir, name);
const cli = (args: string[]) => runCli(['--data-dir', dataDir, ...args]);

/** The inflated image data of an RGBA PNG (every IDAT chunk, checked by zlib). */
function decodedPixelBytes(png: Buffer): number {
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR') expect(png[at + 8 + 9]).toBe(6); // colour type RGBA
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return zlib.inflateSync(Buffer.concat(idat)).length;
}

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

beforeAll(async () => {
  // A data folder with the demo dataset, closed again: the command opens it itself.
  const core = await openOwnedCore(dataDir, { seedDemo: true });
  await core.dispose();
});

describe('logscope chart', () => {
  it('writes a PNG at twice the asked size, and says what it drew', async () => {
    const file = out('events.png');
    const result = await cli(['chart', '--dataset', 'demo_service', '--chart', 'events', '--tz', 'Asia/Seoul', '--width', '800', '--height', '400', '--out', file, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const png = fs.readFileSync(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(pngSize(png)).toEqual([1600, 800]);
    // It decodes: the image data inflates to one filter byte and 4 bytes per pixel per row.
    expect(decodedPixelBytes(png)).toBe(800 * (1 + 1600 * 4));
    expect(jsonLines(result.stdout)).toEqual([
      {
        file,
        dataset: 'demo_service',
        chart: 'events',
        format: 'png',
        width: 1600,
        height: 800,
        bytes: png.length,
        rows: 30_000,
        tz: 'Asia/Seoul',
        from: expect.any(String),
        to: expect.any(String),
      },
    ]);
  });

  it('draws Korean labels with the shipped font', async () => {
    const svgFile = out('heatmap.svg');
    const pngFile = out('heatmap.png');
    const common = ['chart', '--dataset', 'demo_service', '--chart', 'heatmap', '--tz', 'Asia/Seoul', '--lang', 'ko', '--width', '900', '--height', '420', '--scale', '1'];
    expect((await cli([...common, '--format', 'svg', '--out', svgFile])).status).toBe(0);
    expect((await cli([...common, '--out', pngFile])).status).toBe(0);
    const svg = fs.readFileSync(svgFile, 'utf8');
    expect(svg).toContain('이벤트가 몰리는 때');
    expect(svg).toContain('>월<');
    const png = fs.readFileSync(pngFile);
    expect(pngSize(png)).toEqual([900, 420]);

    // The same SVG drawn with the shipped fonts is the command's PNG; without the Hangul
    // font the Korean text is missing and the picture differs.
    const fontDir = findFontDir();
    const draw = (fontFiles: string[]) =>
      Buffer.from(
        new Resvg(svg, { background: '#ffffff', font: { fontFiles, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } }).render().asPng(),
      );
    expect(draw(chartFontFiles.map((f) => path.join(fontDir, f))).equals(png)).toBe(true);
    expect(draw([path.join(fontDir, 'DejaVuSans.ttf')]).equals(png)).toBe(false);
  });

  it('takes a period before the last event, or a range in the zone', async () => {
    const day = await cli(['chart', '--dataset', 'demo_service', '--chart', 'status', '--period', '24h', '--format', 'csv', '--out', out('status.csv'), '--json']);
    expect(day.status).toBe(0);
    const [summary] = jsonLines(day.stdout) as { rows: number; from: string; to: string }[];
    expect(Date.parse(summary!.to) - Date.parse(summary!.from)).toBe(24 * 3600_000);
    expect(summary!.rows).toBeLessThan(30_000);
    const csv = fs.readFileSync(out('status.csv'), 'utf8');
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('status,count');

    const range = await cli(['chart', '--dataset', 'demo_service', '--chart', 'events', '--tz', 'Asia/Seoul', '--from', '2024-03-05', '--to', '2024-03-06 12:00', '--out', out('r.svg'), '--json']);
    expect(range.status).toBe(0);
    expect(jsonLines(range.stdout)[0]).toMatchObject({ format: 'svg', from: '2024-03-04T15:00:00.000Z', to: '2024-03-06T03:00:00.000Z' });
  });

  it('fails with 2 on a usage error and 1 on a dataset that is not there', async () => {
    const usage = await cli(['chart', '--dataset', 'demo_service', '--chart', 'events', '--period', 'yesterday', '--out', out('x.png')]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('a period is a number with m, h or d');
    const both = await cli(['chart', '--dataset', 'demo_service', '--chart', 'events', '--period', '24h', '--from', '2024-03-05', '--out', out('x.png')]);
    expect(both.status).toBe(2);
    const unknownChart = await cli(['chart', '--dataset', 'demo_service', '--chart', 'pie', '--out', out('x.png')]);
    expect(unknownChart.status).toBe(2);
    const missing = await cli(['chart', '--dataset', 'nope', '--chart', 'events', '--out', out('x.png')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('There is no dataset “nope”.');
    expect(fs.existsSync(out('x.png'))).toBe(false);
  });
});
