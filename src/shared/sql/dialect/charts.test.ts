import { describe, expect, it } from 'vitest';
import { clickhouseCapabilities, clickhouseSearchSql, histogramWidth } from './charts';
import { emptyRoles } from '../../charts/names';
import type { ChartSource } from '../../charts/sql';

const source: ChartSource = {
  table: 't',
  roles: { ...emptyRoles, message: ['msg'] },
  types: {},
  timeMin: null,
  timeMax: null,
  endpointIndex: null,
  columns: [
    { path: ['msg'], type: 'VARCHAR' },
    { path: ['status'], type: 'BIGINT' },
    { path: ['meta', 'agent'], type: 'VARCHAR' },
    { path: ['meta', 'deep', 'x'], type: 'VARCHAR' },
  ],
};
const search = (text: string, regex = false, column: string[] | null = ['msg']) => clickhouseSearchSql({ source }, { text, regex, column });

describe('ClickHouse chart SQL', () => {
  it('When the server is 18.16, Then exact quantiles are interpolated by sorting and times are whole seconds', () => {
    expect(clickhouseCapabilities('18.16.1')).toEqual({ hasQuantileExactInclusive: false, hasDateTime64: false });
    expect(clickhouseCapabilities('20.3.5.21')).toEqual({ hasQuantileExactInclusive: false, hasDateTime64: true });
    expect(clickhouseCapabilities('24.8.4.13')).toEqual({ hasQuantileExactInclusive: true, hasDateTime64: true });
  });

  it('When a bin width is rounded, Then it is 1, 2 or 5 times a power of ten, as DuckDB rounds it', () => {
    expect(histogramWidth(null)).toBe(1);
    expect(histogramWidth(0)).toBe(1);
    expect(histogramWidth(0.3)).toBeCloseTo(0.5, 12);
    expect(histogramWidth(12)).toBe(20);
    expect(histogramWidth(100)).toBe(100);
    expect(histogramWidth(730)).toBe(1000);
  });

  it('When a search holds quotes, backslashes or Korean, Then each is a ClickHouse string literal, escaped', () => {
    expect(search("it's")).toBe("coalesce((positionCaseInsensitiveUTF8(`msg`, 'it\\'s') > 0), 0)");
    expect(search('C:\\temp\\')).toBe("coalesce((positionCaseInsensitiveUTF8(`msg`, 'C:\\\\temp\\\\') > 0), 0)");
    expect(search('"시간 초과" -ok')).toBe("(coalesce((positionCaseInsensitiveUTF8(`msg`, '시간 초과') > 0), 0) AND NOT coalesce((positionCaseInsensitiveUTF8(`msg`, 'ok') > 0), 0))");
  });

  it('When a field is compared or a regex given, Then numbers stay numbers and RE2 runs in match()', () => {
    expect(search('status:>=500', false, null)).toBe('coalesce(`status` >= 500, 0)');
    expect(search('a\\d+$', true)).toBe("coalesce(match(`msg`, 'a\\\\d+$'), 0)");
    expect(search('50', false, ['status'])).toBe("coalesce((positionCaseInsensitiveUTF8(toString(`status`), '50') > 0), 0)");
  });

  it('When a STRUCT field is searched, Then it is read out of the pushed text; a deeper one is refused', () => {
    expect(search('curl', false, ['meta', 'agent'])).toContain("extract(`meta`, '\\'agent\\': \\'((?:[^\\']|\\'\\')*)\\'')");
    expect(() => search('x', false, ['meta', 'deep', 'x'])).toThrow(/meta.deep.x|not available/);
  });
});
