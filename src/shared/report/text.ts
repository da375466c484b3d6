import type { MailBlock, MailDocument } from './document';

/**
 * The plain-text alternative: the same figures and tables as the HTML part, for clients
 * that show no HTML and for people who read mail in a terminal.
 */
export function renderMailText(doc: MailDocument, chartsNote: string): string {
  const out: string[] = [doc.title, '='.repeat(Math.min(72, width(doc.title))), ...doc.subtitle];
  for (const note of doc.notes) out.push('', `! ${note}`);
  let charts = 0;
  for (const block of doc.blocks) {
    if (block.kind === 'chart') {
      charts++;
      continue;
    }
    out.push('', ...renderBlock(block));
  }
  if (charts > 0) out.push('', chartsNote);
  out.push('', '--', ...doc.footer);
  return out.join('\n') + '\n';
}

function renderBlock(block: Exclude<MailBlock, { kind: 'chart' }>): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [block.text];
    case 'figures':
      return [
        block.title,
        '-'.repeat(Math.min(72, width(block.title))),
        ...block.figures.map((f) => {
          const extra = [f.detail, f.change, f.previous].filter((part): part is string => Boolean(part));
          return `${f.label}: ${f.value}${extra.length ? ` (${extra.join('; ')})` : ''}`;
        }),
      ];
    case 'table': {
      const lines = [block.title, '-'.repeat(Math.min(72, width(block.title)))];
      if (block.rows.length === 0) return [...lines, block.empty];
      lines.push(block.columns.map((c) => c.label).join(' | '));
      for (const row of block.rows) lines.push(row.map((cell) => cell.replace(/[\r\n\t]+/g, ' ')).join(' | '));
      if (block.note) lines.push(block.note);
      return lines;
    }
  }
}

/** Hangul takes two columns in a terminal. */
function width(text: string): number {
  let n = 0;
  for (const char of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(char) ? 2 : 1;
  return n;
}
