import { describe, expect, it } from 'vitest';
import { inferHeader } from './headerInference';
import { execGrouped } from './regex';

/** The inferred head's fields (column name: value) of one line, and its message. */
function read(lines: string[], line = lines[0]!) {
  const header = inferHeader(lines);
  if (!header) return null;
  const groups = execGrouped(header.regex, new RegExp(header.regex.source), line);
  if (!groups) return null;
  const fields = Object.fromEntries(header.fields.map((f) => [f.name, groups[f.group]]));
  return { fit: `${header.entries}/${header.lines}`, fields, message: groups.message };
}

describe('inferHeader: the head of a log nobody described', () => {
  it('finds a bracketed time after a host, the level in any case, and process[pid] before the message', () => {
    const lines = [
      'web01 [2024-03-01 10:00:00] ERROR worker[123]: disk full',
      'web02 [2024-03-01 10:00:01] INFO worker[124]: started ok',
      'web01 [2024-03-01 10:00:02] warn worker[125]: slow request 35ms',
    ];
    expect(read(lines, lines[2])).toMatchObject({
      fit: '3/3',
      fields: { time: '2024-03-01 10:00:02', level: 'warn', process: 'worker', pid: '125' },
      message: 'slow request 35ms',
    });
  });

  it('takes a single letter for the level only where it stands as a field', () => {
    const lines = ['2024-03-01 10:00:00 E main: failed to open /tmp/x', '2024-03-01 10:00:01 W main: retrying in 5s', '2024-03-01 10:00:02 I main: opened'];
    expect(read(lines)).toMatchObject({ fields: { time: '2024-03-01 10:00:00', level: 'E', component: 'main' }, message: 'failed to open /tmp/x' });
  });

  it('reads an epoch in milliseconds as the time', () => {
    const lines = ['1709287200123 INFO svc started', '1709287201456 ERROR svc crashed', '1709287202789 DEBUG svc state=1'];
    const header = inferHeader(lines);
    expect(header?.fields.find((f) => f.kind === 'time')).toMatchObject({ name: 'time', style: 'epoch_ms' });
    expect(read(lines)?.fields).toMatchObject({ time: '1709287200123', level: 'INFO' });
  });

  it('reads a two-letter level with its syslog PRI (`In(14)`) as the level, and the word alone as none', () => {
    const lines = [
      '2022-06-02T05:34:56.746Z In(14) ConfigStore[1001430703]: Log for ConfigStore version=1.0',
      '2022-06-02T05:34:57.001Z Wa(180) vmkwarning[263421]: could not create container group',
      '2022-06-02T05:34:58.302Z Db(167) Hostd[1001392583]: Vdt span started',
    ];
    expect(read(lines, lines[1])).toMatchObject({ fields: { time: '2022-06-02T05:34:57.001Z', level: 'Wa', process: 'vmkwarning', pid: '263421' }, message: 'could not create container group' });
    expect(inferHeader(['2022-06-02T05:34:56Z In the beginning', '2022-06-02T05:34:57Z No reply'])?.fields.some((f) => f.kind === 'level')).toBe(false);
  });

  it('reads a level word and a two-letter level with its PRI in one level field, as one system writes both', () => {
    const lines = ['2031-02-03T04:05:06Z info svc[10] ready', '2031-02-03T04:05:07Z warning svc[10] slow', '2031-02-03T04:05:08Z Er(163) svc[10] gone'];
    expect(read(lines, lines[2])?.fields).toMatchObject({ time: '2031-02-03T04:05:08Z', level: 'Er(163)' });
  });

  it('reads a level padded inside its field (`[ INFO …]` beside `[DEBUG …]`) with one shape', () => {
    const lines = ['[DEBUG 2015-05-20 12:22:19 main] starting', '[ERROR 2015-05-20 12:22:20 main] failed', '[ INFO 2015-05-20 12:22:21 main] done'];
    expect(read(lines, lines[2])).toMatchObject({ fit: '3/3', fields: { level: 'INFO', time: '2015-05-20 12:22:21' }, message: 'done' });
  });

  it('names the padded word between the level and the message of a Windows servicing log `component`', () => {
    const lines = [
      '2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\cbscore.dll',
      '2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called',
      '2016-09-28 04:30:31, Error                 CBS    Failed to get session, hr: 0x800f0805',
      '2016-09-28 04:30:32, Warning               CBS    Session: 30546354_3411484017 initialized by client WindowsUpdateAgent',
    ];
    expect(read(lines, lines[1])).toMatchObject({ fit: '4/4', fields: { time: '2016-09-28 04:30:31', level: 'Info', component: 'CSI' }, message: '00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called' });
    expect(read(lines, lines[3])).toMatchObject({ fields: { level: 'Warning', component: 'CBS' }, message: 'Session: 30546354_3411484017 initialized by client WindowsUpdateAgent' });
    // A message's first word, one space before the rest, stays the message's.
    const plain = ['2024-03-01 10:00:00 INFO Started server on :8080', '2024-03-01 10:00:01 WARN Slow request 35ms', '2024-03-01 10:00:02 ERROR Disk full'];
    expect(inferHeader(plain)?.fields.map((f) => f.name)).toEqual(['time', 'level']);
  });

  it('reads the epoch seconds a shell history writes after `#` (bash) or `#+` (tcsh)', () => {
    for (const mark of ['#', '#+']) {
      const lines = [`${mark}1375138067`, 'echo HELLO=BAR', `${mark}1375138090`, 'ls -l'];
      expect(inferHeader(lines)?.fields).toMatchObject([{ name: 'time', style: 'epoch_s', example: '1375138067' }]);
    }
    // A `#` before a number that is no plausible time is a comment's.
    expect(inferHeader(['#12 items', '#+42 more'])).toBeNull();
  });

  it('reads a level written against a number (`WARN17[worker-2]`) as the level, and a word that merely starts like one as none', () => {
    const lines = ['(2031-02-03 04:05:06.007) WARN17[worker-2] cache is cold', '(2031-02-03 04:05:07.100) ERROR3[worker-9] cache lost'];
    expect(read(lines)?.fields).toMatchObject({ time: '2031-02-03 04:05:06.007', level: 'WARN' });
    expect(read(lines, lines[1])?.fields).toMatchObject({ level: 'ERROR' });
    expect(inferHeader(['2031-02-03 04:05:06 INFOSEC2 scan done'])?.fields.some((f) => f.kind === 'level')).toBe(false);
  });

  it('keeps `host:port` and `file:line` as one field, so the level after them still stands in the head', () => {
    const lines = ['{11.30 08:15:00} updater.bin x2 - cdn.example.org:8443 warning : fetch slow', '{11.30 08:15:01} updater.bin x2 - cdn.example.org:8443 error : fetch failed'];
    expect(read(lines, lines[1])).toMatchObject({ fields: { time: '11.30 08:15:01', level: 'error' }, message: 'fetch failed' });
    expect(read(lines)?.fields).toMatchObject({ field_2: 'cdn.example.org:8443' });
  });

  it('reads a 12-hour time with AM/PM and a zone name as one timestamp', () => {
    const lines = ['2031-02-03T09:10:11.5 PM UTC <42>NOTICE:fw:rules loaded', '2031-02-03T12:00:00 AM UTC <42>DEBUG:fw:tick'];
    expect(read(lines)).toMatchObject({ fields: { time: '2031-02-03T09:10:11.5 PM UTC', level: 'NOTICE' } });
    expect(read(lines, lines[1])?.fields).toMatchObject({ time: '2031-02-03T12:00:00 AM UTC', level: 'DEBUG' });
  });

  it('finds no head in lines without a time', () => {
    expect(inferHeader(['hello world', 'nothing here looks like a log', 'third'])).toBeNull();
  });
});
