import { describe, expect, it } from 'vitest';
import { logGrammar, logcatGrammar, pythonGrammar, syslog5424Grammar, syslogGrammar, type LineGrammar } from './lineFormats';
import { execGrouped } from './regex';
import { canonicalLevel } from './levels';

/** The fields a grammar reads from a line, without the empty ones. */
function fields(grammar: LineGrammar, line: string): Record<string, string> | null {
  const groups = execGrouped(grammar.regex, new RegExp(grammar.regex.source), line);
  if (!groups) return null;
  return Object.fromEntries(Object.entries(groups).filter(([name, value]) => value !== '' && name !== '_m'));
}

describe('the log grammar reads the heads of many programs', () => {
  it.each([
    [
      'log4j (thread before level, component before " - ")',
      'iso',
      '2024-03-04 09:15:02,123 [main] INFO  com.example.App - started',
      { ts: '2024-03-04 09:15:02,123', thread: 'main', level: 'INFO', component: 'com.example.App', message: 'started' },
    ],
    [
      'ZooKeeper (" - LEVEL [thread] - ", nested brackets)',
      'iso',
      '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:2181:FastLeaderElection@774] - Notification time out: 3200',
      { ts: '2015-07-29 17:41:44,747', level: 'INFO', thread2: 'QuorumPeer[myid=1]/0:2181:FastLeaderElection@774', message: 'Notification time out: 3200' },
    ],
    [
      'Spring Boot ("LEVEL pid --- [thread] component : message")',
      'iso',
      '2024-03-04 09:15:02.123  INFO 12345 --- [           main] c.e.demo.DemoApplication                 : Started',
      { ts: '2024-03-04 09:15:02.123', level: 'INFO', pid2: '12345', thread2: 'main', component: 'c.e.demo.DemoApplication', message: 'Started' },
    ],
    [
      'Python ("asctime - name - LEVEL - message")',
      'iso',
      '2024-03-04 09:15:02,123 - myapp.db - WARNING - slow query',
      { ts: '2024-03-04 09:15:02,123', logger: 'myapp.db', level: 'WARNING', message: 'slow query' },
    ],
    [
      'HDFS (pid, level, component:)',
      'yymmdd',
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating',
      { ts: '081109 203615', pid: '148', level: 'INFO', component: 'dfs.DataNode$PacketResponder', message: 'PacketResponder 1 terminating' },
    ],
    [
      'Apache 2.4 error log ([module:level] [pid:tid] [client])',
      'ctime',
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 4711:tid 99] [client 127.0.0.1:5555] AH00037: Symbolic link not allowed',
      { ts: 'Wed Oct 11 14:32:52.123456 2000', module: 'core', level: 'error', pid3: '4711', tid2: '99', client: '127.0.0.1:5555', message: 'AH00037: Symbolic link not allowed' },
    ],
    [
      'nginx error log ([level] pid#tid:)',
      'ymd_slash',
      '2024/03/04 09:15:02 [error] 1234#5678: *5 open() "/x" failed',
      { ts: '2024/03/04 09:15:02', level: 'error', pid4: '1234', tid3: '5678', message: '*5 open() "/x" failed' },
    ],
    ['a bare timestamp and message', 'iso', '2024-03-04T09:15:02Z server started', { ts: '2024-03-04T09:15:02Z', message: 'server started' }],
  ] as const)('%s', (_, style, line, expected) => {
    expect(fields(logGrammar(style), line)).toEqual(expected);
  });

  it('does not start an entry on a continuation line or a CSV row', () => {
    expect(fields(logGrammar('iso'), '\tat com.example.Db.run(Db.java:42)')).toBeNull();
    expect(fields(logGrammar('iso'), '2024-03-01 09:00:00,1')).toBeNull();
  });

  it('ends the time at a colon against it, keeping a zone name before it (PostgreSQL `%t:%r:%u@%d:[%p]:`)', () => {
    expect(fields(logGrammar('iso'), '2020-03-11 20:40:45 CET:[local]:postgres@template1:[12777]:LOG:  duration: 0.038 ms')).toEqual({
      ts: '2020-03-11 20:40:45 CET',
      message: '[local]:postgres@template1:[12777]:LOG:  duration: 0.038 ms',
    });
  });
});

describe('syslog, Python and logcat grammars', () => {
  it('read BSD syslog with and without a tag, and a priority', () => {
    expect(fields(syslogGrammar('bsd'), 'Jun  9 06:06:20 combo sshd(pam_unix)[19939]: authentication failure')).toEqual({
      ts: 'Jun  9 06:06:20',
      host: 'combo',
      process: 'sshd(pam_unix)',
      pid: '19939',
      message: 'authentication failure',
    });
    expect(fields(syslogGrammar('bsd'), '<34>Oct 11 22:14:15 mymachine su: su root failed')).toMatchObject({ pri: '34', process: 'su', message: 'su root failed' });
    expect(fields(syslogGrammar('bsd'), 'Jun 14 15:16:01 combo -- MARK --')).toEqual({ ts: 'Jun 14 15:16:01', host: 'combo', message: '-- MARK --' });
  });

  it('read RFC 5424 with structured data, and its nil values', () => {
    expect(fields(syslog5424Grammar(), '<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [exampleSDID@32473 iut="3" x="a\\]b"] An event')).toEqual({
      pri: '165',
      ts: '2003-10-11T22:14:15.003Z',
      host: 'mymachine',
      app: 'evntslog',
      procid: '-',
      msgid: 'ID47',
      sd: '[exampleSDID@32473 iut="3" x="a\\]b"]',
      message: 'An event',
    });
  });

  it("read Python's default and logcat's formats", () => {
    expect(fields(pythonGrammar(), 'WARNING:app.db:slow: 3 s')).toEqual({ level: 'WARNING', logger: 'app.db', message: 'slow: 3 s' });
    expect(fields(logcatGrammar('threadtime'), '03-17 16:13:38.811  1702  2395 D WindowManager: opening app')).toEqual({
      ts: '03-17 16:13:38.811',
      pid: '1702',
      tid: '2395',
      level: 'D',
      tag: 'WindowManager',
      message: 'opening app',
    });
    expect(fields(logcatGrammar('brief'), 'E/AndroidRuntime( 8671): FATAL EXCEPTION: main')).toEqual({ level: 'E', tag: 'AndroidRuntime', pid: '8671', message: 'FATAL EXCEPTION: main' });
  });
});

describe('levels', () => {
  it('have one canonical spelling, one-letter forms included', () => {
    expect(['WARNING', 'warn', 'W', 'Wrn'].map(canonicalLevel)).toEqual(['WARN', 'WARN', 'WARN', 'WARN']);
    expect(['crit', 'SEVERE', 'emerg', 'V', 'F', 'notice', 'fine'].map(canonicalLevel)).toEqual(['CRITICAL', 'ERROR', 'EMERGENCY', 'TRACE', 'FATAL', 'NOTICE', 'DEBUG']);
    expect(canonicalLevel('hello')).toBeNull();
  });

  it('read two-letter severities as ESXi writes them, with or without the PRI, and only in that spelling', () => {
    expect(['In', 'Wa(180)', 'Db(167)', 'Er'].map(canonicalLevel)).toEqual(['INFO', 'WARN', 'DEBUG', 'ERROR']);
    expect(['in', 'NO', 'constructor', 'In(1234)'].map(canonicalLevel)).toEqual([null, null, null, null]);
  });

  it("read PostgreSQL's LOG in upper case only", () => {
    expect(['LOG', 'log', 'Log'].map(canonicalLevel)).toEqual(['INFO', null, null]);
  });
});
