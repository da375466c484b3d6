import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';

const dataDir = tempDataDir();

describe('the logscope command: conventions', () => {
  it('exits 2 on a usage error, with a one-line message and a hint', async () => {
    for (const args of [['no-such-command'], ['query'], ['datasets', '--no-such-option'], ['serve', '--port', 'eighty']]) {
      const result = await runCli([...args, '--data-dir', dataDir]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/error/i);
      expect(result.stdout).toBe('');
    }
  });

  it('prints help with an example and exits 0', async () => {
    const result = await runCli(['query', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--format');
    expect(result.stdout).toContain('Example');
  });

  it('prints query results as CSV, JSON lines (64-bit integers as numbers or strings) and a table', async () => {
    const sql = "SELECT 1 AS n, 'a,\"b\"' AS s, 9007199254740993::BIGINT AS big, TIMESTAMP '2024-03-04 09:15:02.153' AS t";
    const csv = await runCli(['query', sql, '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout).toBe('n,s,big,t\r\n1,"a,""b""",9007199254740993,2024-03-04T09:15:02.153Z\r\n');
    const json = await runCli(['query', sql, '--json', '--data-dir', dataDir]);
    expect(jsonLines(json.stdout)).toEqual([{ n: 1, s: 'a,"b"', big: '9007199254740993', t: '2024-03-04T09:15:02.153Z' }]);
    const table = await runCli(['query', 'SELECT 42 AS answer', '--data-dir', dataDir]);
    expect(table.stdout).toBe('answer\n------\n42\n');
  });

  it('reports a refused statement as exit 1, one line on stderr and a JSON error object', async () => {
    const result = await runCli(['query', 'DROP TABLE x', '--json', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const [line] = jsonLines(result.stdout) as { error: { code: string; message: string } }[];
    expect(line?.error.code).toBe('query_refused');
    expect(line?.error.message).toMatch(/refused/);
  });

  it('shows a stack trace only with --debug', async () => {
    const result = await runCli(['query', 'SELECT nope', '--debug', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/AppError/);
  });

  it('lists datasets as JSON lines with the documented keys (a command does not create the demo)', async () => {
    const result = await runCli(['datasets', '--json', '--data-dir', dataDir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
  });
});
