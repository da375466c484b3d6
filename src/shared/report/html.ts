import type { ChangeTone, FigureCell, MailBlock, MailDocument, MailImage } from './document';

/**
 * HTML that mail clients render: tables for layout, inline styles only, no scripts, no
 * remote resources (images are `cid:` parts of the message, or `data:` in the saved
 * file), one element per line so no line grows long. Every text goes through `escapeHtml`.
 */

/** 600 px charts, their 1 px border and 24 px padding either side. */
const contentWidth = 650;

/** `Logscope Hangul` is only there when the report is printed (`print.ts` embeds it); mail clients skip it. */
const fontStack = "-apple-system, 'Segoe UI', Roboto, 'Logscope Hangul', 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', 'Helvetica Neue', Arial, sans-serif";

const colours = {
  page: '#f1f3f5',
  card: '#ffffff',
  border: '#dee2e6',
  text: '#212529',
  muted: '#6b7280',
  heading: '#1c2540',
  accent: '#4c6ef5',
  noteBackground: '#fff9db',
  noteBorder: '#fcc419',
  alertBackground: '#fff5f5',
  alertBorder: '#fa5252',
  rowStripe: '#f8f9fa',
  tone: { bad: '#c92a2a', good: '#2b8a3e', neutral: '#495057' } satisfies Record<ChangeTone, string>,
};

/** `&`, `<`, `>`, quotes: text and attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Where an image's bytes come from: the message part (`cid:`) or, in a file, embedded data. */
export type ImageSource = (image: MailImage) => string;

export const cidSource: ImageSource = (image) => `cid:${image.cid}`;

export interface HtmlOptions {
  images: ImageSource;
  /** A file opened in a browser gets a policy that forbids scripts and anything remote. */
  standalone?: boolean;
}

export function renderMailHtml(doc: MailDocument, options: HtmlOptions): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push(`<html lang="${doc.language}">`);
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  if (options.standalone) {
    out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'">`);
  }
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>${escapeHtml(doc.title)}</title>`);
  out.push('</head>');
  out.push(`<body style="margin:0;padding:0;background:${colours.page};">`);
  out.push(table(`width="100%" style="background:${colours.page};"`));
  out.push(`<tr><td align="center" style="padding:24px 8px;">`);
  out.push(table(`width="${contentWidth}" style="width:${contentWidth}px;max-width:100%;background:${colours.card};border:1px solid ${colours.border};border-radius:8px;"`));

  // Title and period.
  out.push(`<tr><td style="padding:24px 24px 8px 24px;font-family:${fontStack};color:${colours.heading};">`);
  out.push(`<div style="font-size:22px;line-height:28px;font-weight:700;">${escapeHtml(doc.title)}</div>`);
  for (const line of doc.subtitle) {
    out.push(`<div style="font-size:13px;line-height:20px;color:${colours.muted};">${escapeHtml(line)}</div>`);
  }
  out.push('</td></tr>');
  for (const note of doc.notes) {
    out.push(`<tr><td style="padding:8px 24px 0 24px;font-family:${fontStack};">`);
    out.push(
      `<div style="font-size:13px;line-height:19px;color:${colours.text};background:${colours.noteBackground};border-left:3px solid ${colours.noteBorder};padding:8px 10px;">${escapeHtml(note)}</div>`,
    );
    out.push('</td></tr>');
  }
  for (const block of doc.blocks) out.push(...renderBlock(block, options.images));
  out.push(`<tr><td style="padding:16px 24px 24px 24px;font-family:${fontStack};border-top:1px solid ${colours.border};">`);
  for (const line of doc.footer) {
    out.push(`<div style="font-size:12px;line-height:18px;color:${colours.muted};">${escapeHtml(line)}</div>`);
  }
  out.push('</td></tr>');
  out.push('</table>');
  out.push('</td></tr>');
  out.push('</table>');
  out.push('</body>');
  out.push('</html>');
  return out.join('\n') + '\n';
}

function table(attributes: string): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" ${attributes}>`;
}

function sectionTitle(title: string): string {
  return `<div style="font-size:16px;line-height:22px;font-weight:700;color:${colours.heading};margin:0 0 8px 0;">${escapeHtml(title)}</div>`;
}

function renderBlock(block: MailBlock, images: ImageSource): string[] {
  const out: string[] = [];
  out.push(`<tr><td style="padding:20px 24px 0 24px;font-family:${fontStack};color:${colours.text};">`);
  switch (block.kind) {
    case 'figures':
      out.push(sectionTitle(block.title));
      out.push(...renderFigures(block.figures));
      break;
    case 'chart': {
      const image = block.image;
      out.push(sectionTitle(block.title));
      if (block.caption) out.push(`<div style="font-size:12px;line-height:18px;color:${colours.muted};margin:0 0 6px 0;">${escapeHtml(block.caption)}</div>`);
      out.push(
        `<img src="${escapeHtml(images(image))}" width="${image.width}" height="${image.height}" alt="${escapeHtml(image.alt)}" style="display:block;width:${image.width}px;max-width:100%;height:auto;border:1px solid ${colours.border};">`,
      );
      break;
    }
    case 'table':
      out.push(sectionTitle(block.title));
      out.push(...renderTable(block));
      break;
    case 'paragraph':
      out.push(
        block.tone === 'alert'
          ? `<div style="font-size:15px;line-height:22px;background:${colours.alertBackground};border-left:3px solid ${colours.alertBorder};padding:10px 12px;">${escapeHtml(block.text)}</div>`
          : `<div style="font-size:14px;line-height:21px;">${escapeHtml(block.text)}</div>`,
      );
      break;
  }
  out.push('</td></tr>');
  return out;
}

/** Four figures a row; a wide one (an endpoint) takes a row of its own. */
function renderFigures(figures: readonly FigureCell[]): string[] {
  const out: string[] = [table('width="100%"')];
  const rows: FigureCell[][] = [];
  let row: FigureCell[] = [];
  for (const figure of figures) {
    if (figure.wide) {
      if (row.length) rows.push(row);
      rows.push([figure]);
      row = [];
      continue;
    }
    row.push(figure);
    if (row.length === 4) {
      rows.push(row);
      row = [];
    }
  }
  if (row.length) rows.push(row);
  for (const cells of rows) {
    out.push('<tr>');
    const span = cells.length === 1 && cells[0]!.wide ? 4 : 1;
    for (const cell of cells) {
      out.push(
        `<td valign="top" colspan="${span}" width="${span === 4 ? '100%' : '25%'}" style="padding:10px 8px 10px 0;border-bottom:1px solid ${colours.border};" data-figure="${escapeHtml(cell.id)}">`,
      );
      out.push(`<div style="font-size:12px;line-height:16px;color:${colours.muted};">${escapeHtml(cell.label)}</div>`);
      const size = cell.wide ? 16 : 20;
      out.push(
        `<div style="font-size:${size}px;line-height:${size + 6}px;font-weight:700;color:${colours.heading};word-break:break-all;">${escapeHtml(cell.value)}</div>`,
      );
      if (cell.detail) out.push(`<div style="font-size:12px;line-height:16px;color:${colours.text};">${escapeHtml(cell.detail)}</div>`);
      if (cell.change) {
        out.push(`<div style="font-size:12px;line-height:16px;font-weight:600;color:${colours.tone[cell.tone]};">${escapeHtml(cell.change)}</div>`);
      }
      if (cell.previous) out.push(`<div style="font-size:11px;line-height:15px;color:${colours.muted};">${escapeHtml(cell.previous)}</div>`);
      out.push('</td>');
    }
    // Keep the four columns of a short last row.
    for (let i = cells.length * span; i < 4; i++) out.push('<td width="25%"></td>');
    out.push('</tr>');
  }
  out.push('</table>');
  return out;
}

function renderTable(block: Extract<MailBlock, { kind: 'table' }>): string[] {
  if (block.rows.length === 0) return [`<div style="font-size:13px;color:${colours.muted};">${escapeHtml(block.empty)}</div>`];
  const out: string[] = [table(`width="100%" style="border-collapse:collapse;font-size:13px;line-height:18px;"`)];
  out.push('<tr>');
  for (const column of block.columns) {
    out.push(
      `<th align="${column.align}" style="text-align:${column.align};white-space:nowrap;padding:6px 8px;border-bottom:2px solid ${colours.border};color:${colours.muted};font-weight:600;font-size:12px;">${escapeHtml(column.label)}</th>`,
    );
  }
  out.push('</tr>');
  block.rows.forEach((row, index) => {
    out.push(`<tr style="background:${index % 2 ? colours.rowStripe : colours.card};">`);
    block.columns.forEach((column, i) => {
      const wrap = column.wrap ? 'word-break:break-all;' : 'white-space:nowrap;';
      const mono = column.wrap ? "font-family:ui-monospace,Menlo,Consolas,'D2Coding',monospace;font-size:12px;" : '';
      out.push(`<td align="${column.align}" valign="top" style="padding:5px 8px;border-bottom:1px solid ${colours.border};${wrap}${mono}">${escapeHtml(row[i] ?? '')}</td>`);
    });
    out.push('</tr>');
  });
  out.push('</table>');
  if (block.note) out.push(`<div style="font-size:11px;line-height:16px;color:${colours.muted};margin-top:4px;">${escapeHtml(block.note)}</div>`);
  return out;
}
