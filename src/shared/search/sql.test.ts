import { describe, expect, it } from 'vitest';
import type { RoleColumn, Search } from '../charts/spec';
import { emptyRoles } from '../charts/names';
import { resolveSearch, searchConditionSql, searchedColumns } from './sql';
import { SearchError } from './query';

const columns: RoleColumn[] = [
  { path: ['time'], type: 'TIMESTAMP' },
  { path: ['client_ip'], type: 'VARCHAR' },
  { path: ['path'], type: 'VARCHAR' },
  { path: ['status'], type: 'INTEGER' },
  { path: ['msg'], type: 'VARCHAR' },
  { path: ['client', 'user agent'], type: 'VARCHAR' },
  { path: ['_ls_pattern'], type: 'INTEGER' },
];
const roles = { ...emptyRoles, message: ['msg'], status: ['status'] };
const search = (text: string, extra: Partial<Search> = {}): Search => ({ text, regex: false, column: null, ...extra });

function sql(text: string, extra: Partial<Search> = {}) {
  const params: Record<string, string | number> = {};
  let n = 0;
  const condition = searchConditionSql(resolveSearch(search(text, extra), columns, roles), (value) => {
    params[`p${n}`] = value;
    return `$p${n++}`;
  });
  return { condition, params };
}

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof SearchError ? error.code : String(error);
  }
  return null;
};

describe('a search as SQL', () => {
  it('searches free text in every text column, letter case ignored, the value bound', () => {
    const { condition, params } = sql('/api/orders');
    expect(condition).toBe(
      '(coalesce(contains(lower("client_ip"), lower($p0)), false) OR coalesce(contains(lower("path"), lower($p0)), false) OR coalesce(contains(lower("msg"), lower($p0)), false) OR coalesce(contains(lower(struct_extract("client", \'user agent\')), lower($p0)), false))',
    );
    expect(params).toEqual({ p0: '/api/orders' });
  });

  it('compares number fields as numbers and text fields as text', () => {
    const { condition, params } = sql('status:503 -path:health');
    expect(condition).toBe('(coalesce("status" = $p0, false) AND NOT coalesce(contains(lower("path"), lower($p1)), false))');
    expect(params).toEqual({ p0: 503, p1: 'health' });
    expect(sql('status:>=500').condition).toBe('coalesce("status" >= $p0, false)');
  });

  it('finds a role’s column by the role’s name, and a STRUCT field by its label', () => {
    expect(sql('message:timeout').condition).toBe('coalesce(contains(lower("msg"), lower($p0)), false)');
    expect(sql('client."user agent":curl').condition).toContain(`struct_extract("client", 'user agent')`);
  });

  it('reads an unknown field as text', () => {
    const { params } = sql('12:30');
    expect(params).toEqual({ p0: '12:30' });
  });

  it('searches one chosen column, and a regex over the searched columns', () => {
    expect(sql('503', { column: ['status'] }).condition).toBe('coalesce(contains(lower(CAST("status" AS VARCHAR)), lower($p0)), false)');
    expect(sql('closed after \\d+', { regex: true, column: ['msg'] }).condition).toBe('coalesce(regexp_matches("msg", $p0), false)');
    expect(searchedColumns(resolveSearch(search('x status:5'), columns, roles))).toEqual([['client_ip'], ['path'], ['msg'], ['client', 'user agent'], ['status']]);
  });

  it('says what cannot be searched', () => {
    expect(codeOf(() => sql('status:five'))).toBe('search_value_not_number');
    expect(codeOf(() => sql('time:2024'))).toBe('search_field_time');
    expect(codeOf(() => sql('x', { column: ['nope'] }))).toBe('search_column_not_found');
    expect(codeOf(() => resolveSearch(search('x'), [{ path: ['n'], type: 'BIGINT' }], emptyRoles))).toBe('search_no_text_columns');
    expect(codeOf(() => resolveSearch(search('n:5'), [{ path: ['n'], type: 'BIGINT' }], emptyRoles))).toBeNull();
  });
});
