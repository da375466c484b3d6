import type { Db, DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import type { Clock } from '../clock';
import { AppError } from '../../../shared/api/errors';
import type { ImportFormat, SavedPattern } from '../../../shared/api/contract/imports';
import { parseUserPattern } from '../../../shared/detect/userPattern';
import { patternProblemText } from './detect';

/** One example line of every format, for `formats.list` (the preview's format picker) and the docs. */
export const formatExamples: Record<ImportFormat, string> = {
  csv: 'time,level,message\n2024-03-04T09:15:02Z,INFO,started',
  tsv: 'time\tlevel\tmessage\n2024-03-04T09:15:02Z\tINFO\tstarted',
  jsonl: '{"time":"2024-03-04T09:15:02Z","level":"INFO","message":"started"}',
  nginx: '203.0.113.7 - - [04/Mar/2024:09:15:02 +0900] "GET /api/items?page=2 HTTP/1.1" 200 1532 "-" "Mozilla/5.0" 0.012 0.010',
  apache: '203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08"',
  logfmt: 'time=2024-03-04T09:15:02Z level=info msg="request done" status=200 duration_ms=12',
  syslog: 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh',
  syslog5424: '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event',
  log: '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:2181:FastLeaderElection@774] - Notification time out: 3200',
  python: 'WARNING:root:disk almost full',
  logcat: '03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs',
  pattern: '(?<time>\\S+ \\S+) \\[(?<level>\\w+)\\] (?<message>.*)',
  lines: 'any text at all, one row per line',
};

const nameKey = (name: string) => name.trim().toLowerCase();

/** The user's own line formats, saved by name (`logscope.line_patterns`). */
export function createPatternStore({ db, clock }: { db: Db; clock: Clock }) {
  const rowOf = (r: unknown[]): SavedPattern => ({
    name: String(r[0]),
    pattern: String(r[1]),
    createdAt: toCell(r[2]) as string,
    lastUsedAt: r[3] === null ? null : (toCell(r[3]) as string),
  });

  return {
    /** Most recently used first: detection tries them in this order. */
    async list(): Promise<SavedPattern[]> {
      const catalog = await db.connection('catalog');
      const { rows } = await catalog.all(
        `SELECT name, pattern, created_at, last_used_at FROM logscope.line_patterns ORDER BY last_used_at DESC NULLS LAST, created_at DESC`,
      );
      return rows.map(rowOf);
    },

    async get(name: string): Promise<SavedPattern | null> {
      const catalog = await db.connection('catalog');
      const { rows } = await catalog.all(`SELECT name, pattern, created_at, last_used_at FROM logscope.line_patterns WHERE name_key = $key`, { key: nameKey(name) });
      return rows[0] ? rowOf(rows[0]) : null;
    },

    /** Saves (or replaces) a pattern under a name; a pattern that cannot be used is refused. */
    async save(name: string, pattern: string, tx?: DbStatements): Promise<SavedPattern> {
      const parsed = parseUserPattern(pattern);
      if (!parsed.ok) throw new AppError('pattern_invalid', { detail: patternProblemText(parsed.problem) });
      const catalog = tx ?? (await db.connection('catalog'));
      const now = clock.now().toISOString();
      await catalog.run(
        `INSERT INTO logscope.line_patterns (name_key, name, pattern, created_at, last_used_at) VALUES ($key, $name, $pattern, $now::TIMESTAMP, NULL)
         ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, pattern = excluded.pattern`,
        { key: nameKey(name), name: name.trim(), pattern, now },
      );
      const { rows } = await catalog.all(`SELECT name, pattern, created_at, last_used_at FROM logscope.line_patterns WHERE name_key = $key`, { key: nameKey(name) });
      return rowOf(rows[0]!);
    },

    async used(name: string, tx: DbStatements): Promise<void> {
      await tx.run(`UPDATE logscope.line_patterns SET last_used_at = $now::TIMESTAMP WHERE name_key = $key`, { key: nameKey(name), now: clock.now().toISOString() });
    },

    async remove(name: string): Promise<boolean> {
      const catalog = await db.connection('catalog');
      const { rows } = await catalog.all(`DELETE FROM logscope.line_patterns WHERE name_key = $key RETURNING name`, { key: nameKey(name) });
      return rows.length > 0;
    },
  };
}

export type PatternStore = ReturnType<typeof createPatternStore>;
