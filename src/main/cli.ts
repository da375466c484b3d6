import { Command, CommanderError, Option } from 'commander';
import { AppError, toWireError } from '../shared/api/errors';
import { createTranslator, errorMessage } from '../shared/i18n/format';
import { appVersion } from './app';
import { createLogger } from './services/logger';
import { jsonLine } from './cli/output';
import type { GlobalOptions } from './cli/session';
import { registerServeCommand } from './cli/serveCommand';
import { registerDatasetCommands } from './cli/datasetCommands';
import { registerImportCommands } from './cli/importCommands';
import { registerMailCommands } from './cli/mailCommands';
import { registerChartCommand } from './cli/chartCommand';
import { registerPatternsCommand } from './cli/patternsCommand';
import { registerConfigCommands, registerJobCommands } from './cli/jobCommands';
import { registerReportCommands } from './cli/reportCommands';
import { registerEngineCommands } from './cli/engineCommands';
import { UsageError } from './cli/parse';
// Built as its own file beside this one (electron-vite); `serve` mines patterns in it.
import minerWorkerPath from './services/patterns/minerWorker?modulePath';

/**
 * `logscope`: the same services as the app, from a shell or cron. Every command follows
 * one set of conventions: `--data-dir`, `--json` (one JSON object per line), exit code
 * 0 on success, 1 when the work failed, 2 for a usage error, 3 when an OAuth2 mailbox
 * must be signed in again (`logscope account login NAME`; the rest of the work still ran),
 * 130 when interrupted, errors as one line on
 * stderr (a stack trace only with `--debug`), and under `--json` also as
 * `{"error": {"code", "message", …}}` on stdout.
 */
/** The exit code that tells a cron job or a monitor "a person must sign this mailbox in again". */
export const exitSignInAgain = 3;

export interface CommandContext {
  globals(): GlobalOptions;
  out(text: string): void;
  say(line: string): void;
  log: ReturnType<typeof createLogger>;
  signal: AbortSignal;
  /** Marks the run as failed (exit 1) without stopping it, for per-item failures. */
  fail(error: unknown, item?: Record<string, unknown>): void;
  /** Exit 1 at the end (3 for `oauth_sign_in_again`), when the failure was already printed as part of an item. */
  markFailed(code?: string): void;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('logscope');
  const t = createTranslator('en');
  const abort = new AbortController();
  let failed = false;
  let signInAgain = false;
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  program
    .description('Logscope: automated service-log analysis (collect, analyse in DuckDB, see, report).')
    .version(appVersion)
    .addOption(new Option('--data-dir <dir>', 'data folder (default: the per-user folder; env LOGSCOPE_DATA_DIR)'))
    .option('--json', 'print one JSON object per line')
    .option('--debug', 'print stack traces and debug logs to stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  const globals = () => program.opts<GlobalOptions>();
  const log = createLogger({
    level: argv.includes('--debug') ? 'debug' : 'warn',
    write: (line) => {
      if (argv.includes('--debug')) process.stderr.write(line);
    },
  });
  const report = (error: unknown, item?: Record<string, unknown>) => {
    const wire = toWireError(error);
    if (wire.code === 'oauth_sign_in_again') signInAgain = true;
    const message = errorMessage(t, wire);
    process.stderr.write(`logscope: ${message}\n`);
    if (globals().debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    if (globals().json) process.stdout.write(jsonLine({ ...item, error: { code: wire.code, message, ...wire.params } }));
  };
  const context: CommandContext = {
    globals,
    out: (text) => process.stdout.write(text),
    say: (line) => process.stderr.write(`${line}\n`),
    log,
    signal: abort.signal,
    fail(error, item) {
      failed = true;
      report(error, item);
    },
    markFailed(code) {
      failed = true;
      if (code === 'oauth_sign_in_again') signInAgain = true;
    },
  };

  registerServeCommand(program, context, { minerWorker: { file: minerWorkerPath } });
  registerDatasetCommands(program, context);
  registerImportCommands(program, context);
  registerMailCommands(program, context);
  registerJobCommands(program, context);
  registerConfigCommands(program, context);
  registerChartCommand(program, context);
  registerPatternsCommand(program, context);
  registerReportCommands(program, context);
  registerEngineCommands(program, context);
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');

  try {
    await program.parseAsync(argv, { from: 'user' });
    return signInAgain ? exitSignInAgain : failed ? 1 : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`logscope: error: ${error.message}\n(run with --help for usage)\n`);
      return 2;
    }
    report(error);
    return error instanceof AppError && error.code === 'cancelled' ? 130 : signInAgain ? exitSignInAgain : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// Run when executed as the `logscope` command (bin/logscope.js imports this module).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`logscope: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
