import { describe, expect, it } from 'vitest';
import { detectAccessLayout } from '../detect/accessLog';
import { logGrammar, syslogGrammar } from '../detect/lineFormats';
import { parseUserPattern } from '../detect/userPattern';
import { completedTimeSql, timeExpression } from '../sql/time';
import { accessPlan, grammarPlan, plainLinesPlan, userPatternPlan } from './formatPlan';
import { entriesSql, linesSourceSql, physicalLineSql } from './linePlan';

const columns = (plan: { columns: { name: string; type: string }[] }) => plan.columns.map((c) => `${c.name}:${c.type}`);

describe('accessPlan', () => {
  it('types every field and records request times as seconds', () => {
    const layout = detectAccessLayout(['1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 512 "-" "curl" 0.012 0.010'])!.layout;
    const plan = accessPlan(layout);
    expect(columns(plan)).toEqual([
      'client_ip:VARCHAR', 'ident:VARCHAR', 'user:VARCHAR', 'time:TIMESTAMP', 'method:VARCHAR', 'path:VARCHAR', 'protocol:VARCHAR',
      'status:SMALLINT', 'bytes:BIGINT', 'referer:VARCHAR', 'user_agent:VARCHAR', 'request_time:DOUBLE', 'upstream_response_time:DOUBLE', '_partial:BOOLEAN',
    ]);
    expect(plan.units).toEqual([
      { column: 'request_time', unit: 's' },
      { column: 'upstream_response_time', unit: 's' },
    ]);
    expect(plan.columns.find((c) => c.name === 'time')?.time).toMatchObject({ kind: 'pattern', pattern: '[%d/%b/%Y:%H:%M:%S %z]' });
    expect(plan.reader).toMatchObject({ kind: 'access', columns: expect.arrayContaining([{ name: 'f1', type: 'VARCHAR' }]) });
  });
});

describe('grammarPlan', () => {
  it('makes columns of the fields the sample has, and joins continuation lines into the message', () => {
    const entries = [{ ts: '2024-03-04 09:15:02,123', thread: 'main', level: 'INFO', component: 'c.e.App', message: 'started' }];
    const plan = grammarPlan(logGrammar('iso'), entries, { delimiter: '\x1f', completion: null });
    expect(columns(plan)).toEqual(['time:TIMESTAMP', 'level:VARCHAR', 'thread:VARCHAR', 'component:VARCHAR', 'message:VARCHAR']);
    expect(plan.reader).toMatchObject({ kind: 'lines', continueInto: 'message' });
    expect(plan.columns[0]?.time).toMatchObject({ kind: 'local' });
  });

  it('completes BSD syslog times with the reference year', () => {
    const completion = { kind: 'year' as const, referenceLocal: '2025-01-01 01:00:00' };
    const plan = grammarPlan(syslogGrammar('bsd'), [{ ts: 'Dec 31 23:59:58', host: 'h', process: 'cron', pid: '1', message: 'm' }], { delimiter: '\x1f', completion });
    const time = plan.columns.find((c) => c.name === 'time')!.time!;
    expect(time).toMatchObject({ kind: 'pattern', pattern: '%b %d %H:%M:%S %Y', completion });
    const sql = completedTimeSql(time, '"ts"');
    expect(sql.time).toContain(`|| ' 2025'`);
    expect(sql.time).toContain(`|| ' 2024'`);
    expect(sql.rolledBack).toContain(`> TIMESTAMP '2025-01-01 01:00:00' + INTERVAL 1 DAY`);
    expect(timeExpression(time, '"ts"', 'Asia/Seoul')).toContain(`timezone('Asia/Seoul'`);
  });
});

describe('userPatternPlan', () => {
  it('types groups from the sample and appends continuation lines to the message group', () => {
    const parsed = parseUserPattern('^(?<when>\\S+ \\S+) (?<code>\\d+) (?<took>[\\d.]+)s (?<msg>.*)$');
    if (!parsed.ok) throw new Error('pattern');
    const entries = [
      { when: '2024-03-04 09:15:02', code: '200', took: '0.25', msg: 'ok' },
      { when: '2024-03-04 09:15:03', code: '500', took: '1.5', msg: 'failed' },
    ];
    const plan = userPatternPlan(parsed.regex, entries, { delimiter: '\x1f', completionFor: () => null });
    expect(columns(plan)).toEqual(['when:TIMESTAMP', 'code:BIGINT', 'took:DOUBLE', 'msg:VARCHAR']);
    expect(plan.reader).toMatchObject({ kind: 'lines', continueInto: 'msg', entry: { groups: ['_m', 'g1', 'g2', 'g3', 'g4'] } });
  });
});

describe('the lines reader', () => {
  it('reads one value per line with a delimiter no line holds, never inflating, rejects kept', () => {
    const reader = plainLinesPlan('\x1e').reader;
    const sql = linesSourceSql(reader, '$path', 'r');
    expect(sql).toContain(`delim = '\x1e'`);
    expect(sql).toContain(`quote = ''`);
    expect(sql).toContain(`compression = 'none'`);
    expect(sql).toContain(`rejects_table = 'r'`);
    expect(sql).toContain('row_number() OVER ()');
    expect(entriesSql(reader, 'L')).toBe('(SELECT _ls_n, text FROM L WHERE text IS NOT NULL)');
  });

  it('quotes a regex with quotes in it as a literal', () => {
    const sql = entriesSql({ kind: 'lines', delimiter: '\x1f', entry: { source: "(it's)", groups: ['_m'] }, continueInto: null }, 'L');
    expect(sql).toContain(`regexp_extract(text, '(it''s)', ['_m'])`);
  });

  it('numbers lines past the ones the reader skipped', () => {
    expect(physicalLineSql('x', null)).toBe('x');
    expect(physicalLineSql('x', 's')).toBe('(x + coalesce((SELECT max(shift) FROM "s" WHERE from_line <= x), 0))');
  });
});
