import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import type { PdfPrinter } from '../../../src/main/services/reports/reports';

/**
 * The Electron shell's printer, played by headless Chromium: the same engine, the same
 * settings (A4, backgrounds, JavaScript off, no network), so the e2e app saves a real PDF.
 */
export function chromiumPdfPrinter(browser: Browser): PdfPrinter {
  return async (html) => {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return new Uint8Array(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    } finally {
      await context.close();
    }
  };
}

/** A PDF string: `(literal)` with escapes, or `<hex>`, UTF-16BE when it starts with a BOM. */
function pdfString(raw: string): string {
  let bytes: Buffer;
  if (raw.startsWith('<')) bytes = Buffer.from(raw.slice(1, -1).replace(/\s+/g, ''), 'hex');
  else {
    const body = raw.slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_m, e: string) =>
      /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e,
    );
    bytes = Buffer.from(body, 'latin1');
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString('utf16le');
  return bytes.toString('latin1');
}

/**
 * What a test can check in a PDF without a PDF library: the document title, the embedded
 * fonts (a font is embedded only for text that was drawn), the images, the pages, and how
 * many text-showing operators its content streams hold (decompressed).
 */
export function inspectPdf(pdf: Buffer) {
  const text = pdf.toString('latin1');
  const title = /\/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)/.exec(text);
  let textOperators = 0;
  for (const match of text.matchAll(/\/Filter\s*\/FlateDecode[^]*?stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    try {
      const content = zlib.inflateSync(pdf.subarray(start, end)).toString('latin1');
      textOperators += (content.match(/\bT[jJ]\b/g) ?? []).length;
    } catch {
      // Not every deflated stream ends exactly before `endstream` (or is content); those are skipped.
    }
  }
  return {
    header: text.slice(0, 5),
    title: title ? pdfString(title[1]!) : null,
    fonts: [...new Set([...text.matchAll(/\/BaseFont\s*\/([^\s/<>[\]]+)/g)].map((m) => m[1]!.replace(/^[A-Z]{6}\+/, '')))],
    images: (text.match(/\/Subtype\s*\/Image/g) ?? []).length,
    pages: (text.match(/\/Type\s*\/Page\b/g) ?? []).length,
    textOperators,
  };
}
