import type { InferredHeader } from './headerInference';
import { levelLettersRegex, levelWordsRegex } from './levels';
import { buildRegex, type GroupedRegex } from './regex';
import { timeStyle, timeStyles, type TimeStyleId } from './timeStyles';

/**
 * Text logs whose entries start with a recognisable head (a timestamp, a syslog priority, a
 * level): one grammar per family, each general enough for many programs. An entry is a
 * line the grammar matches; a line it does not match continues the entry before it (a stack
 * trace, a wrapped message) — the rule of lnav and Logstash's multiline codec.
 *
 * - `syslog`: BSD syslog (RFC 3164: `Jun 14 15:16:01 host tag[pid]: msg`, no year), also with
 *   an RFC 3339 timestamp as rsyslog writes it, with or without `<PRI>`.
 * - `syslog5424`: RFC 5424 (`<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg`).
 * - `log`: a timestamp in any style of `timeStyles`, then the usual head fields of Java
 *   (log4j, logback, Spring Boot, Tomcat), Python (`asctime - name - LEVEL - msg`), Hadoop,
 *   Spark, ZooKeeper, the Apache and nginx error logs: level (bare or bracketed), pid,
 *   thread, component, in the orders those write them. Fields a line lacks stay empty.
 * - `python`: Python logging's default `LEVEL:logger:message` (no time).
 * - `logcat`: Android logcat `threadtime`, `time` and `brief` formats (one-letter levels).
 */
export const lineFormatIds = ['syslog', 'syslog5424', 'log', 'python', 'logcat'] as const;
export type LineFormatId = (typeof lineFormatIds)[number];

export interface LineGrammar {
  format: LineFormatId;
  /** The time style, or the logcat variant. */
  variant: string;
  /** Group `_m` wraps the whole match, so a non-empty `_m` means "this line starts an entry". */
  regex: GroupedRegex;
  timeStyle: TimeStyleId | null;
  /** For a `log` whose head was inferred from the sample (variant `inferred`): its fields. */
  inferred?: InferredHeader;
}

/** The `log` grammar of a head inferred from the sample (`headerInference.ts`). */
export function inferredGrammar(header: InferredHeader): LineGrammar {
  const time = header.fields.find((f) => f.kind === 'time')!;
  return {
    format: 'log',
    variant: 'inferred',
    regex: { source: `^(${header.regex.source.slice(1)})`, groups: ['_m', ...header.regex.groups] },
    timeStyle: time.style,
    inferred: header,
  };
}

/** The regex groups a grammar's time and level are read from. */
export const timeGroupOf = (grammar: LineGrammar): string => grammar.inferred?.fields.find((f) => f.kind === 'time')?.group ?? 'ts';
export const levelGroupOf = (grammar: LineGrammar): string | null =>
  grammar.inferred ? (grammar.inferred.fields.find((f) => f.kind === 'level')?.group ?? null) : grammar.format === 'log' || grammar.format === 'python' || grammar.format === 'logcat' ? 'level' : null;

const levels = levelWordsRegex();
/** A bracketed token that may hold one level of brackets: `[QuorumPeer[myid=1]/0:2181]`. */
const nested = '(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*';
const gap = '[ \\t]+';

function grammar(format: LineFormatId, variant: string, style: TimeStyleId | null, body: (g: (name: string, body: string) => string) => string): LineGrammar {
  // The wrapper group opens first, so its name goes first.
  const inner = buildRegex(body);
  return { format, variant, regex: { source: `^(${inner.source})`, groups: ['_m', ...inner.groups] }, timeStyle: style };
}

/** `log`: a timestamp, then head fields in any of the common orders, then the message. */
export function logGrammar(style: TimeStyleId): LineGrammar {
  const ts = timeStyle(style).regex;
  return grammar('log', style, style, (g) =>
    [
      `\\[?${g('ts', ts)}\\]?`,
      // A colon against the time ends it as a space does (PostgreSQL's `%t:%r:%u@%d:[%p]:`
      // prefix, RDS's default), so a zone name before it stays the time's.
      `(?:${gap}|:|$)`,
      `(?:-${gap})?`,
      // The head: everything up to and including the level is optional as a whole.
      '(?:',
      `(?:${g('pid', '\\d+')}${gap}(?:${g('tid', '\\d+')}${gap})?)?`,
      `(?:\\[${g('thread', nested)}\\]${gap})?`,
      `(?:${g('logger', '[^ \\t\\[\\]]+')}${gap}-${gap})?`,
      `\\[?(?:${g('module', '[A-Za-z_][A-Za-z0-9_.]*')}:)?${g('level', levels)}\\]?:?(?:${gap}|$)`,
      `(?:${g('pid2', '\\d+')}${gap}---${gap})?`,
      `(?:\\[pid ${g('pid3', '\\d+')}(?::tid ${g('tid2', '\\d+')})?\\]${gap})?`,
      `(?:\\[client ${g('client', '[^\\]]+')}\\]${gap})?`,
      `(?:\\[[ \\t]*${g('thread2', nested)}\\]${gap})*`,
      `(?:${g('pid4', '\\d+')}#${g('tid3', '\\d+')}:${gap})?`,
      `(?:-${gap})?`,
      // A component is a dotted logger or class name (log4j's %c, Hadoop's class) before `:` or
      // ` - `; an undotted word there is as likely the message's own first word.
      `(?:${g('component', '[^ \\t:\\[\\]]*[.$][^ \\t:\\[\\]]*')}(?:[ \\t]*:${gap}|${gap}-${gap}))?`,
      ')?',
      g('message', '.*'),
    ].join(''),
  );
}

/** `syslog`: timestamp, host, an optional `tag[pid]:`, message. */
export function syslogGrammar(style: 'bsd' | 'iso'): LineGrammar {
  const ts = timeStyle(style).regex;
  return grammar('syslog', style, style, (g) =>
    [
      `(?:<${g('pri', '\\d{1,3}')}>)?`,
      g('ts', ts),
      ' +',
      g('host', '[^ \\t]+'),
      `(?: ${g('process', '[^ \\t\\[:]+')}(?:\\[${g('pid', '\\d+')}\\])?:(?: |$))?`,
      ' ?',
      g('message', '.*'),
    ].join(''),
  );
}

export function syslog5424Grammar(): LineGrammar {
  return grammar('syslog5424', 'rfc5424', 'iso', (g) =>
    [
      `<${g('pri', '\\d{1,3}')}>\\d{1,2} `,
      `${g('ts', '[^ ]+')} `,
      `${g('host', '[^ ]+')} `,
      `${g('app', '[^ ]+')} `,
      `${g('procid', '[^ ]+')} `,
      `${g('msgid', '[^ ]+')} `,
      g('sd', '-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+'),
      `(?: ${g('message', '.*')})?`,
    ].join(''),
  );
}

export function pythonGrammar(): LineGrammar {
  return grammar('python', 'default', null, (g) =>
    `${g('level', 'DEBUG|INFO|WARNING|ERROR|CRITICAL')}:${g('logger', '[^:]*')}:${g('message', '.*')}`,
  );
}

export const logcatVariants = ['threadtime', 'time', 'brief'] as const;

export function logcatGrammar(variant: (typeof logcatVariants)[number]): LineGrammar {
  const ts = timeStyle('md_dash').regex;
  const letter = levelLettersRegex;
  switch (variant) {
    case 'threadtime':
      return grammar('logcat', variant, 'md_dash', (g) =>
        `${g('ts', ts)} +${g('pid', '\\d+')} +${g('tid', '\\d+')} ${g('level', letter)} ${g('tag', '[^:]*?')}[ \\t]*:(?: |$)${g('message', '.*')}`,
      );
    case 'time':
      return grammar('logcat', variant, 'md_dash', (g) =>
        `${g('ts', ts)} ${g('level', letter)}/${g('tag', '[^(]*?')}\\( *${g('pid', '\\d+')}\\): ?${g('message', '.*')}`,
      );
    case 'brief':
      return grammar('logcat', variant, null, (g) => `${g('level', letter)}/${g('tag', '[^(]*?')}\\( *${g('pid', '\\d+')}\\): ?${g('message', '.*')}`);
  }
}

/** Every grammar detection tries, most specific first (ties go to the earlier one). */
export function allGrammars(): LineGrammar[] {
  return [
    syslog5424Grammar(),
    ...logcatVariants.map(logcatGrammar),
    syslogGrammar('bsd'),
    syslogGrammar('iso'),
    pythonGrammar(),
    ...timeStyles.filter((s) => s.lineStart).map((s) => logGrammar(s.id)),
  ];
}

/** The grammar of a format a user forces, for the time style found (or the usual one). */
export function grammarFor(format: LineFormatId, variant: string | null): LineGrammar {
  switch (format) {
    case 'syslog':
      return syslogGrammar(variant === 'iso' ? 'iso' : 'bsd');
    case 'syslog5424':
      return syslog5424Grammar();
    case 'python':
      return pythonGrammar();
    case 'logcat':
      return logcatGrammar((logcatVariants as readonly string[]).includes(variant ?? '') ? (variant as (typeof logcatVariants)[number]) : 'threadtime');
    case 'log':
      return logGrammar(timeStyles.some((s) => s.id === variant && s.lineStart) ? (variant as TimeStyleId) : 'iso');
  }
}

/**
 * Lines that continue an entry rather than start one: indented lines, Java and Python stack
 * trace lines, an exception's first line. Detection counts them as fitting a multi-line log;
 * the import joins every line that does not start an entry, whatever it looks like.
 */
export const continuationLike =
  /^(?:[ \t]|at |Caused by:|Suppressed:|\.\.\. ?\d+ (?:more|common frames omitted)|Traceback \(most recent call last\):|During handling of|The above exception|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:Exception|Error|Throwable|Warning|Fault)\b|[}\])]\s*$)/;
