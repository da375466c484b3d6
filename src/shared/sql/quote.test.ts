import { describe, expect, it } from 'vitest';
import { qualified, quoteIdent, quoteLiteral } from './quote';

describe('quoteIdent', () => {
  it('doubles a quote inside the name', () => expect(quoteIdent('a"b')).toBe('"a""b"'));
  it('keeps Korean names and spaces as they are', () => expect(quoteIdent('응답 시간')).toBe('"응답 시간"'));
  it('quotes reserved words', () => expect(quoteIdent('order')).toBe('"order"'));
  it('quotes schema and table separately', () => expect(qualified('logscope', 'x"y')).toBe('"logscope"."x""y"'));
});

describe('quoteLiteral', () => {
  it('doubles single quotes', () => expect(quoteLiteral("it's")).toBe("'it''s'"));
});
