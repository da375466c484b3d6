import { describe, expect, it } from 'vitest';
import { parseSearchText, SearchError } from './query';

describe('the search language', () => {
  it('reads words, quoted phrases, field:value and exclusions', () => {
    expect(parseSearchText('  timeout "connection reset"  -health status:503 path:"/api/a b" -level:debug ')).toEqual([
      { kind: 'text', text: 'timeout', exclude: false },
      { kind: 'text', text: 'connection reset', exclude: false },
      { kind: 'text', text: 'health', exclude: true },
      { kind: 'field', field: 'status', value: '503', op: 'match', exclude: false, quoted: false, raw: 'status:503' },
      { kind: 'field', field: 'path', value: '/api/a b', op: 'match', exclude: false, quoted: true, raw: 'path:"/api/a b"' },
      { kind: 'field', field: 'level', value: 'debug', op: 'match', exclude: true, quoted: false, raw: 'level:debug' },
    ]);
  });

  it('reads comparisons of number fields', () => {
    expect(parseSearchText('status:>=500 latency_ms:<10')).toMatchObject([
      { field: 'status', op: 'gte', value: '500' },
      { field: 'latency_ms', op: 'lt', value: '10' },
    ]);
  });

  it('keeps a lone minus, escaped quotes and Korean text', () => {
    expect(parseSearchText('- "say \\"hi\\"" 결제 사용자:김민준')).toEqual([
      { kind: 'text', text: '-', exclude: false },
      { kind: 'text', text: 'say "hi"', exclude: false },
      { kind: 'text', text: '결제', exclude: false },
      { kind: 'field', field: '사용자', value: '김민준', op: 'match', exclude: false, quoted: false, raw: '사용자:김민준' },
    ]);
  });

  it('says where an unclosed quote opens', () => {
    expect(() => parseSearchText('ok "closed after')).toThrowError(SearchError);
    try {
      parseSearchText('ok "closed after');
    } catch (error) {
      expect((error as SearchError).code).toBe('search_quote_unclosed');
      expect((error as SearchError).params).toEqual({ at: 4 });
    }
  });
});
