import { describe, expect, it } from 'vitest';
import { errorPosition, isOnlyComments, soleStatement, splitStatements, statementAt } from './statements';

describe('splitStatements', () => {
  it('splits at semicolons outside quotes, identifiers and comments', () => {
    const text = "SELECT ';' AS a; -- not; here\nSELECT \"x;y\" FROM t /* ; */; SELECT 3";
    expect(splitStatements(text).map((s) => s.text)).toEqual([
      "SELECT ';' AS a",
      '-- not; here\nSELECT "x;y" FROM t /* ; */',
      'SELECT 3',
    ]);
  });

  it('keeps positions so the editor can mark a statement', () => {
    const text = '  SELECT 1;\n\nSELECT 2  ';
    const [first, second] = splitStatements(text);
    expect(text.slice(first!.from, first!.to)).toBe('SELECT 1');
    expect(text.slice(second!.from, second!.to)).toBe('SELECT 2');
  });
});

describe('soleStatement', () => {
  it('drops the semicolon and comment-only tails an editor leaves', () => {
    expect(soleStatement('SELECT 1; -- why\n')).toBe('SELECT 1');
    expect(soleStatement('SELECT 1;; /* done */')).toBe('SELECT 1');
  });
  it('returns several statements whole, for the checker to refuse', () => {
    expect(soleStatement(' SELECT 1; SELECT 2 ')).toBe('SELECT 1; SELECT 2');
  });
  it('does not take comment markers inside a statement for comments', () => {
    expect(isOnlyComments("SELECT '--'")).toBe(false);
    expect(isOnlyComments('-- a\n/* b */')).toBe(true);
  });
});

describe('statementAt', () => {
  const text = 'SELECT 1;\nSELECT 2;\nSELECT 3';
  it('finds the statement under the cursor', () => {
    expect(statementAt(text, text.indexOf('2'))?.text).toBe('SELECT 2');
    expect(statementAt(text, text.length)?.text).toBe('SELECT 3');
  });
  it('takes the statement just before a cursor right after its semicolon', () => {
    expect(statementAt(text, text.indexOf(';') + 1)?.text).toBe('SELECT 1');
  });
  it('says null for an empty editor', () => expect(statementAt('  ', 1)).toBeNull());
});

describe('errorPosition', () => {
  it("reads DuckDB's caret, allowing for lines Logscope put before the statement", () => {
    const statement = 'SELECT status,\n  no_such_column FROM access';
    const message = 'Binder Error: Referenced column "no_such_column" not found\n\nLINE 3:   no_such_column FROM access\n          ^';
    expect(errorPosition(message, statement, 1)).toBe(statement.indexOf('no_such_column'));
  });

  it('finds the place in a long line DuckDB shortened', () => {
    const statement = `SELECT ${'a, '.repeat(60)}missing FROM t`;
    const message = `Binder Error: x\n\nLINE 1: ...a, a, missing FROM t\n                 ^`;
    expect(errorPosition(message, statement)).toBe(statement.indexOf('missing'));
  });

  it('says null without an excerpt', () => expect(errorPosition('Conversion Error: nope', 'SELECT 1')).toBeNull());
});
