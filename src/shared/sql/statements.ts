/**
 * Splitting an editor's text into statements at `;`, honouring quotes, quoted identifiers
 * and comments, so Ctrl/Cmd+Enter runs the statement under the cursor.
 */
export interface StatementRange {
  from: number;
  to: number;
  text: string;
}

export function splitStatements(text: string): StatementRange[] {
  const ranges: StatementRange[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const leading = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) ranges.push({ from: start + leading, to: start + leading + trimmed.length, text: trimmed });
  };
  while (i < text.length) {
    const char = text[i];
    const next = text[i + 1];
    if (char === "'" || char === '"') {
      const quote = char;
      i++;
      while (i < text.length) {
        if (text[i] === quote) {
          if (text[i + 1] === quote) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (char === '-' && next === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (char === ';') {
      push(i);
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  push(text.length);
  return ranges;
}

/** True when a statement holds nothing but comments (the tail of `SELECT 1; -- why`). */
export function isOnlyComments(statement: string): boolean {
  return statement.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?(\*\/|$)/g, '').trim() === '';
}

/**
 * The one statement in a text, without the `;` and comment-only tails editors leave; a
 * text with several statements comes back whole so the checker refuses it by name.
 */
export function soleStatement(text: string): string {
  const statements = splitStatements(text).filter((s) => !isOnlyComments(s.text));
  return statements.length === 1 ? statements[0]!.text : text.trim();
}

/** The statement the cursor is in, or the nearest one before it (the cursor after a `;`). */
export function statementAt(text: string, cursor: number): StatementRange | null {
  const statements = splitStatements(text);
  return (
    statements.find((s) => cursor >= s.from && cursor <= s.to + 1) ??
    [...statements].reverse().find((s) => s.to <= cursor) ??
    statements[0] ??
    null
  );
}

/**
 * Where in the user's statement DuckDB's error points, from the `LINE n: …` excerpt and
 * its caret; `lineOffset` says how many lines Logscope put before the user's text.
 */
export function errorPosition(message: string, statement: string, lineOffset = 0): number | null {
  const lines = message.split('\n');
  const at = lines.findIndex((l) => /^LINE \d+: /.test(l));
  if (at < 0) return null;
  const [, lineNumber, excerpt] = /^LINE (\d+): (.*)$/.exec(lines[at]!) ?? [];
  const caret = lines[at + 1]?.indexOf('^') ?? -1;
  if (!lineNumber || caret < 0) return null;
  const column = caret - `LINE ${lineNumber}: `.length;
  const userLine = Number(lineNumber) - lineOffset;
  const sourceLines = statement.split('\n');
  if (userLine < 1 || userLine > sourceLines.length) return null;
  const source = sourceLines[userLine - 1]!;
  // DuckDB shortens long lines around the error with "...": find the excerpt in the line.
  const shown = (excerpt ?? '').replace(/^\.\.\./, '').replace(/\.\.\.$/, '');
  const excerptStart = source.indexOf(shown.slice(0, 40));
  const skipped = (excerpt ?? '').startsWith('...') ? 3 : 0;
  const columnInLine = excerptStart >= 0 ? excerptStart + column - skipped : column;
  const before = sourceLines.slice(0, userLine - 1).reduce((sum, l) => sum + l.length + 1, 0);
  return Math.max(0, Math.min(statement.length, before + columnInLine));
}
