import fs from 'node:fs';
import type { MinerWorkerScript } from '../services/patterns/minerHost';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { AppError } from '../../shared/api/errors';
import { isServed, openAppCore } from '../app';
import { startLoopbackServer } from '../transport/loopback';
import type { CommandContext } from '../cli';
import { dataDirOf } from './session';
import { jsonLine } from './output';
import { parsePort } from './parse';

/** The built renderer, beside this bundle in `out/`. */
export const builtRendererDir = (): string => fileURLToPath(new URL('../renderer', import.meta.url));

export function registerServeCommand(program: Command, context: CommandContext, runtime: { minerWorker: MinerWorkerScript }) {
  program
    .command('serve')
    .description('serve the Logscope UI to a browser on this computer (127.0.0.1 only, token-protected)')
    .option('--port <port>', 'port to listen on (default: any free port)', parsePort)
    .addHelpText('after', '\nExample:\n  $ npx logscope serve --data-dir ./data\n  # open the printed URL; over SSH: ssh -L 8080:127.0.0.1:8080 host, then serve --port 8080')
    .action(async (options: { port?: number }) => {
      const globals = context.globals();
      const rendererDir = builtRendererDir();
      if (!fs.existsSync(`${rendererDir}/index.html`)) {
        throw new AppError('internal', { message: 'the UI is not built; run `npm run build` first' });
      }
      const core = await openAppCore({
        dataDir: dataDirOf(globals),
        ownerKind: 'serve',
        seedDemo: true,
        log: context.log,
        minerWorker: runtime.minerWorker,
        signal: context.signal,
        onWaiting: (holder) => context.say(`waiting for a logscope command (process ${holder.pid}) to finish with this data folder…`),
      });
      if (isServed(core)) throw new AppError('data_dir_owned', { pid: core.served.pid, kind: core.served.kind, port: core.served.port });
      try {
        const server = await startLoopbackServer({
          rpc: core.rpc,
          events: core.events,
          log: context.log,
          rendererDir,
          uploadsDir: core.layout.uploadsDir,
          port: options.port,
        });
        await core.publish({ port: server.port, token: server.token });
        core.scheduler.start();
        void core.mailListeners.start();
        if (globals.json) context.out(jsonLine({ url: server.url, port: server.port, data_dir: core.layout.dataDir, pid: process.pid }));
        else context.out(`Logscope is serving ${core.layout.dataDir}\nOpen: ${server.url}\nPress Ctrl+C to stop.\n`);
        await new Promise<void>((resolve) => {
          if (context.signal.aborted) resolve();
          context.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await server.close();
      } finally {
        await core.dispose();
      }
    });
}
