import { describe, expect, it } from 'vitest';
import { chooseFormat, sampleLines } from './formats';

const text = (...lines: string[]) => lines.join('\n') + '\n';
const repeat = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i));
const guessOf = (sample: string) => {
  const { guess } = chooseFormat(sample);
  return { format: guess.format, variant: 'grammar' in guess ? guess.grammar.variant : guess.format === 'nginx' || guess.format === 'apache' ? guess.layout.flavour : null };
};

describe('chooseFormat: text logs, by how their lines start', () => {
  it.each([
    ['ISO-8601 (log4j with ,SSS)', '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:2181:FastLeaderElection@774] - Notification time out: 3200', 'iso'],
    ['ISO-8601 with T and an offset', '2024-03-04T09:15:02.123+09:00 ERROR [main] c.e.App - failed', 'iso'],
    ['[Sun Dec 04 04:47:44 2005] (Apache error log)', '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties', 'ctime'],
    ['yyMMdd HHmmss (HDFS)', '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating', 'yymmdd'],
    ['yy/MM/dd HH:mm:ss (Spark)', '17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers', 'yy_slash'],
    ['yyyy/MM/dd (nginx error log)', '2024/03/04 09:15:02 [error] 1234#5678: *5 open() "/x" failed', 'ymd_slash'],
    ['dd-MMM-yyyy (Tomcat)', '04-Mar-2024 09:15:02.123 INFO [main] org.apache.catalina.startup.Catalina.start Server startup', 'dmy_mon'],
    ['HH:mm:ss.SSS (logback default)', '09:15:02.123 [main] INFO  com.example.App - started', 'clock'],
    ['epoch seconds (Squid)', '1286536308.779    180 192.168.0.224 TCP_MISS/200 411 GET http://example.com/ - DIRECT/1.2.3.4 text/html', 'epoch'],
  ])('%s', (_, line, style) => {
    const sample = text(...repeat(30, () => line));
    expect(guessOf(sample)).toEqual({ format: 'log', variant: style });
  });

  it('syslog RFC 3164, with and without a priority, and with an RFC 3339 time', () => {
    expect(guessOf(text('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure', 'Jun  9 06:06:20 combo kernel: Linux version 2.6.5', '<34>Oct 11 22:14:15 mymachine su: su root failed'))).toEqual({
      format: 'syslog',
      variant: 'bsd',
    });
    expect(guessOf(text('2024-03-04T09:15:02.123456+09:00 web1 nginx[812]: started', '2024-03-04T09:15:03.000001+09:00 web1 cron[9]: job'))).toEqual({ format: 'syslog', variant: 'iso' });
  });

  it('syslog RFC 5424', () => {
    const sample = text('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event', '<34>1 2003-10-11T22:14:16.003Z host su - - - failed');
    expect(guessOf(sample).format).toBe('syslog5424');
  });

  it('Python logging default and Android logcat (one-letter levels)', () => {
    expect(guessOf(text('INFO:root:start', 'WARNING:app.db:slow query', 'ERROR:root:failed')).format).toBe('python');
    expect(guessOf(text('03-17 16:13:38.811  1702  2395 D WindowManager: opening', '03-17 16:13:38.819  1702  8671 E PowerManagerService: acquire'))).toEqual({ format: 'logcat', variant: 'threadtime' });
    expect(guessOf(text('03-17 16:13:38.811 I/ActivityManager( 1702): Start proc', '03-17 16:13:38.900 W/System  ( 8671): slow'))).toEqual({ format: 'logcat', variant: 'time' });
    expect(guessOf(text('I/ActivityManager( 1702): Start proc', 'W/System( 8671): slow'))).toEqual({ format: 'logcat', variant: 'brief' });
  });

  it('a Java log with long stack traces, whose entry lines are a minority', () => {
    const trace = ['java.lang.IllegalStateException: boom', ...repeat(12, (i) => `\tat com.example.Service.call${i}(Service.java:${i})`), '\t... 40 more'];
    const sample = text(...Array.from({ length: 10 }, (_, i) => [`2024-03-04 09:15:0${i},123 [main] ERROR com.example.App - failed ${i}`, ...trace]).flat());
    expect(guessOf(sample)).toEqual({ format: 'log', variant: 'iso' });
  });
});

describe('chooseFormat: access logs', () => {
  it('nginx combined with request and upstream times; Apache common with "-" bytes; vhost first', () => {
    const nginx = '203.0.113.7 - - [04/Mar/2024:09:15:02 +0900] "GET /api/items?page=2 HTTP/1.1" 200 1532 "-" "Mozilla/5.0" 0.012 0.010';
    expect(guessOf(text(...repeat(5, () => nginx)))).toEqual({ format: 'nginx', variant: 'nginx' });
    const apache = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 304 -';
    expect(guessOf(text(...repeat(5, () => apache))).format).toBe('apache');
    const vhost = 'www.example.com:443 1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 512 "-" "curl/8.0"';
    expect(guessOf(text(...repeat(5, () => vhost))).format).toBe('apache');
  });
});

describe('chooseFormat: tables and the rest', () => {
  it('keeps a CSV or TSV whose rows start with a timestamp a table', () => {
    expect(guessOf(text('time,v', '2024-03-01 09:00:00,1', '2024-03-01 10:00:00,2')).format).toBe('csv');
    expect(guessOf(text('time\tlevel\tmessage', '2024-03-01T00:00:00Z\tINFO\tstarted', '2024-03-01T00:00:01Z\tWARN\tslow')).format).toBe('tsv');
    expect(guessOf(text('ts,v', '1709251200,1', '1709251201,2')).format).toBe('csv');
  });

  it('keeps a headed CSV with malformed records a table, and a log with commas in its head a log', () => {
    const csv = text('time,code,name', '2024-01-01T00:00:00Z,1,a', '2024-01-01T00:00:01Z,2', '2024-01-01T00:00:02Z,3,c,extra', '2024-01-01T00:00:03Z,4,d');
    expect(guessOf(csv).format).toBe('csv');
    const cbs = text(
      '2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\cbscore.dll',
      '2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called',
      '2016-09-28 04:30:31, Info                  CBS    Ending TrustedInstaller initialization.',
      '2016-09-28 04:30:31, Error                 CBS    Failed to get session, hr: 0x800f0805',
    );
    expect(guessOf(cbs).format).toBe('log');
  });

  it('JSON lines, and anything else as lines', () => {
    expect(guessOf(text('{"a":1}', '{"a":2}')).format).toBe('jsonl');
    expect(guessOf(text('hello world', 'nothing here looks like a log', 'third')).format).toBe('lines');
    expect(guessOf('').format).toBe('lines');
  });
});

describe('chooseFormat: judged over the whole sample, not its head', () => {
  const atypical = repeat(150, (i) => `banner ${i}: *** system starting, please wait ***`);

  it('finds syslog after 150 lines of something else', () => {
    const sample = text(...atypical, ...repeat(400, (i) => `Jun 14 15:16:${String(i % 60).padStart(2, '0')} host sshd[${i}]: accepted`));
    expect(guessOf(sample)).toEqual({ format: 'syslog', variant: 'bsd' });
  });

  it('finds JSON lines after 150 lines that are not JSON', () => {
    expect(guessOf(text(...atypical, ...repeat(400, (i) => `{"time":"2024-03-04T09:15:02Z","n":${i}}`))).format).toBe('jsonl');
  });

  it('finds an nginx log after 150 lines a server wrote when it was probed (TLS bytes, junk)', () => {
    const junk = repeat(150, (i) => `\u0016\u0003\u0001 probe ${i}`);
    const nginx = repeat(400, (i) => `10.0.0.${i % 255} - - [04/Mar/2024:09:15:02 +0900] "GET /p/${i} HTTP/1.1" 200 ${i} "-" "ua" 0.00${i % 10}`);
    expect(guessOf(text(...junk, ...nginx)).format).toBe('nginx');
  });

  it('finds a log4j log that opens with a long stack trace', () => {
    const trace = repeat(120, (i) => `\tat org.example.Boot.step${i}(Boot.java:${i})`);
    const entries = repeat(200, (i) => `2024-03-04 09:15:02,${String(i).padStart(3, '0')} [main] INFO  org.example.Boot - step ${i}`);
    expect(guessOf(text('java.lang.RuntimeException: leftover from the last run', ...trace, ...entries))).toEqual({ format: 'log', variant: 'iso' });
  });
});

describe('saved patterns', () => {
  it('are chosen when they read nearly every line, and not when they do not', () => {
    const sample = text(...repeat(20, (i) => `job=${i} state=done took=${i}ms`));
    const saved = [{ name: 'jobs', pattern: '^job=(?<job>\\d+) state=(?<state>\\w+) took=(?<took>\\d+)ms$' }];
    expect(chooseFormat(sample, saved).guess).toMatchObject({ format: 'pattern', name: 'jobs' });
    expect(chooseFormat(text('something else', 'entirely'), saved).guess.format).toBe('lines');
  });
});

describe('sampleLines', () => {
  it('drops blank lines, line ends and the byte-order mark', () => {
    expect(sampleLines('\uFEFFa\r\n\r\nb\n  \nc')).toEqual(['a', 'b', 'c']);
  });
});

describe('candidateFormats: the readings offered when the choice leaves lines out', () => {
  it('offers a comma-split only when it makes a table, best fit first', () => {
    const cbs = text(...repeat(20, (i) => `2016-09-28 04:30:${String(i).padStart(2, '0')}, Info                  CBS    Session: ${i} initialized${', external directory: (null)'.repeat(i % 3)}`));
    const { guess, candidates } = chooseFormat(cbs);
    expect(guess.format).toBe('log');
    expect(candidates.map((c) => c.guess.format)).not.toContain('csv');
    const table = text('time,code,name', ...repeat(9, (i) => `2024-01-01T00:00:0${i}Z,${i},n${i}`), '2024-01-01T00:00:09Z,9,x,extra');
    expect(chooseFormat(table).candidates[0]).toEqual({ guess: { format: 'csv' }, fits: 10 / 11 });
  });
});
