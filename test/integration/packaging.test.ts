import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli';
import { tempDataDir } from './support/dataDir';

// Installers need Electron's zips and electron-builder's tools from GitHub, which these
// machines cannot reach, so the release workflow alone builds them. What can be checked
// here is the layout electron-builder gives the app, against a stand-in Electron folder:
// the natives unpacked from the asar and loadable from there by plain Node.
describe('the packaged app (electron-builder --dir, stand-in Electron)', () => {
  const work = tempDataDir('logscope-pack-');
  const standIn = path.join(work, 'electron');
  const output = path.join(work, 'dist');
  fs.mkdirSync(standIn);
  fs.writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
  for (const file of ['LICENSE', 'LICENSES.chromium.html']) fs.writeFileSync(path.join(standIn, file), '');

  let built: SpawnSyncReturns<string>;
  beforeAll(() => {
    built = spawnSync('npx', ['electron-builder', '--dir', '--linux', '--x64', `-c.electronDist=${standIn}`, `-c.directories.output=${output}`], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
  }, 180_000);
  const resources = path.join(output, 'linux-unpacked', 'resources');
  const unpacked = path.join(resources, 'app.asar.unpacked');

  it('lays out the app with DuckDB, resvg, keytar and the fonts outside the asar', () => {
    expect(built.status, built.stderr + built.stdout).toBe(0);
    expect(fs.existsSync(path.join(resources, 'app.asar'))).toBe(true);
    for (const file of [
      'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
      'node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so',
      'node_modules/@resvg/resvg-js-linux-x64-gnu/resvgjs.linux-x64-gnu.node',
      'resources/fonts/LogscopeHangul-Regular.ttf',
    ]) {
      expect(fs.existsSync(path.join(unpacked, file)), file).toBe(true);
    }
    // The update feed electron-updater reads in the installed app.
    expect(fs.readFileSync(path.join(resources, 'app-update.yml'), 'utf8')).toContain('provider: github');
  });

  it('loads DuckDB from the unpacked folder with plain Node and runs a query', () => {
    const script = "const { DuckDBInstance } = await import('@duckdb/node-api'); const c = await (await DuckDBInstance.create(':memory:')).connect(); console.log((await c.runAndReadAll('select 6 * 7 as x')).getRowObjects()[0].x);";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: unpacked, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('42');
  });

  it('loads keytar from the unpacked folder', () => {
    const run = spawnSync(process.execPath, ['-e', "console.log(typeof require('keytar').getPassword)"], { cwd: unpacked, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('function');
  });
});
