import { describe, expect, it } from 'vitest';
import { createDatasetSql, datasetColumnNames, insertSql, lineShifts, readerSql, schemaChanges, unifyTypes, type PlannedColumn } from './plan';

const column = (name: string, type: string, extra: Partial<PlannedColumn> = {}): PlannedColumn => ({
  name,
  path: [name],
  sourceType: type,
  type,
  asJson: false,
  time: null,
  ...extra,
});

describe('datasetColumnNames', () => {
  it("renames a file's column that uses Logscope's own prefix, avoiding new clashes", () => {
    expect(datasetColumnNames(['time', '_ls_line', 'ls_line', '_ls_source'])).toEqual({
      names: ['time', 'ls_line_1', 'ls_line', 'ls_source'],
      renamed: [
        { from: '_ls_line', to: 'ls_line_1' },
        { from: '_ls_source', to: 'ls_source' },
      ],
    });
  });
});

describe('lineShifts', () => {
  it('moves records after gaps (blank, rejected lines) down to their real lines', () => {
    // Header on line 1, records from line 2; line 4 blank, line 7 rejected.
    // Records: L0 = 2,3,4,5,6 → real 2,3,5,6,8.
    const shifts = lineShifts(2, [4, 7]);
    expect(shifts).toEqual([
      { fromRecord: 4, shift: 1 },
      { fromRecord: 6, shift: 2 },
    ]);
    const real = (l0: number) => l0 + (shifts.filter((s) => s.fromRecord <= l0).at(-1)?.shift ?? 0);
    expect([2, 3, 4, 5, 6].map(real)).toEqual([2, 3, 5, 6, 8]);
  });

  it('merges adjacent gaps and ignores lines before the first record', () => {
    expect(lineShifts(2, [1, 3, 4])).toEqual([{ fromRecord: 3, shift: 2 }]);
    expect(lineShifts(1, [])).toEqual([]);
  });
});

describe('schemaChanges', () => {
  it('matches by name in any case, adds new columns, lists missing ones and widens types', () => {
    const changes = schemaChanges(
      [
        { name: 'Time', type: 'TIMESTAMP' },
        { name: 'status', type: 'BIGINT' },
        { name: 'latency', type: 'BIGINT' },
        { name: 'old', type: 'VARCHAR' },
        { name: '_ls_line', type: 'BIGINT' },
      ],
      [column('time', 'TIMESTAMP'), column('status', 'BIGINT'), column('latency', 'DOUBLE'), column('region', 'VARCHAR')],
    );
    expect(changes.added.map((c) => c.name)).toEqual(['region']);
    expect(changes.missing).toEqual(['old']);
    expect(changes.widened).toEqual([{ name: 'latency', from: 'BIGINT', to: 'DOUBLE' }]);
  });

  it('unifies types without loss', () => {
    expect(unifyTypes('INTEGER', 'BIGINT')).toBe('BIGINT');
    expect(unifyTypes('BIGINT', 'DOUBLE')).toBe('DOUBLE');
    expect(unifyTypes('TIMESTAMP', 'VARCHAR')).toBe('VARCHAR');
  });
});

describe('SQL for an import', () => {
  it('quotes odd and Korean column names and binds the path and ids', () => {
    const columns = [column('응답 시간', 'DOUBLE'), column('a"b', 'VARCHAR')];
    const sql = insertSql({
      dataset: '로그',
      reader: { kind: 'csv', delimiter: ';', quote: '"', escape: '"', header: true, skipRows: 0, columns: [{ name: '응답 시간', type: 'DOUBLE' }, { name: 'a"b', type: 'VARCHAR' }] },
      columns,
      zone: 'Asia/Seoul',
      rejectsTable: 'rej',
    });
    expect(sql).toContain('INSERT INTO "main"."로그" BY NAME');
    expect(sql).toContain('"응답 시간" AS "응답 시간"');
    expect(sql).toContain('"a""b" AS "a""b"');
    expect(sql).toContain("read_csv($path, delim = ';'");
    expect(sql).toContain("columns = {'응답 시간': 'DOUBLE', 'a\"b': 'VARCHAR'}");
    expect(sql).toContain('$sourceId::INTEGER AS "_ls_source"');
    expect(sql).toContain("store_rejects = true, rejects_table = 'rej'");
  });

  it('reads the time column through the time expression with the zone', () => {
    const columns = [column('ts', 'TIMESTAMP', { sourceType: 'VARCHAR', time: { column: 'ts', kind: 'local', pattern: null } })];
    const sql = insertSql({ dataset: 'd', reader: { kind: 'jsonl', columns: [{ name: 'ts', type: 'VARCHAR' }] }, columns, zone: "Asia/Seoul", rejectsTable: null });
    expect(sql).toContain(`timezone('Asia/Seoul', TRY_CAST("ts" AS TIMESTAMP))::TIMESTAMP AS "ts"`);
    expect(readerSql({ kind: 'jsonl', columns: [{ name: 'ts', type: 'VARCHAR' }] }, '$path', null)).toContain("format = 'newline_delimited'");
  });

  it("creates the dataset with Logscope's own columns last", () => {
    expect(createDatasetSql('x', [column('a', 'BIGINT')])).toBe('CREATE TABLE "main"."x" ("a" BIGINT, "_ls_source" INTEGER NOT NULL, "_ls_line" BIGINT, "_ls_pattern" INTEGER)');
  });
});
