/**
 * The saved report file made ready for paper: A4 pages, backgrounds and colours printed as
 * shown, no table row split across pages, and (when the caller has it) the shipped Hangul
 * font embedded, so a Korean report prints the same on a computer without a Korean font.
 * Used by the PDF printer and by the browser's own print dialog alike.
 */
export interface PrintFont {
  family: string;
  /** `data:font/ttf;base64,…`: the report's policy allows fonts from `data:` only. */
  dataUri: string;
  /** Which characters the font is for (CSS `unicode-range`), so Latin text keeps the usual fonts. */
  unicodeRange: string;
}

export const hangulUnicodeRange = 'U+1100-11FF, U+3130-318F, U+AC00-D7AF';

export function printableReportHtml(html: string, fonts: readonly PrintFont[] = []): string {
  const faces = fonts.map((f) => `@font-face{font-family:'${f.family}';src:url(${f.dataUri}) format('truetype');unicode-range:${f.unicodeRange};}`);
  const style = [
    '<style>',
    ...faces,
    '@page{size:A4;margin:12mm;}',
    '@media print{body{-webkit-print-color-adjust:exact;print-color-adjust:exact;}tr,img{break-inside:avoid;}}',
    '</style>',
  ].join('\n');
  const head = html.search(/<\/head>/i);
  return head === -1 ? `${style}\n${html}` : `${html.slice(0, head)}${style}\n${html.slice(head)}`;
}
