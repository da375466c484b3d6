import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installLauncher, launcherFile } from './cliLauncher';

describe('the command line launcher of the installed app', () => {
  it('runs the given executable as Node on the CLI script, with the arguments, from a folder that may have spaces and quotes', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "logscope home's "));
    const script = path.join(home, 'cli.js');
    fs.writeFileSync(script, 'console.log(JSON.stringify({ asNode: process.env.ELECTRON_RUN_AS_NODE, args: process.argv.slice(2) }))');
    const installed = installLauncher({ platform: 'linux', homeDir: home, env: { PATH: '/usr/bin' }, executable: process.execPath, cliScript: script });
    expect(installed).toEqual({ path: path.join(home, '.local/bin/logscope'), folder: path.join(home, '.local/bin'), onPath: false });
    expect(fs.statSync(installed.path).mode & 0o777).toBe(0o755);
    const run = spawnSync(installed.path, ['query', "it's \"quoted\""], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ asNode: '1', args: ['query', "it's \"quoted\""] });
  });

  it('says whether the folder is on PATH', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-home-'));
    const env = { PATH: `/usr/bin:${path.join(home, '.local/bin')}` };
    expect(installLauncher({ platform: 'linux', homeDir: home, env, executable: '/opt/Logscope/logscope', cliScript: '/x/cli.js' }).onPath).toBe(true);
  });

  it('writes a .cmd under LOCALAPPDATA on Windows', () => {
    const file = launcherFile({ platform: 'win32', homeDir: 'C:\\Users\\ana', env: { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, executable: 'C:\\Program Files\\Logscope\\Logscope.exe', cliScript: 'C:\\Program Files\\Logscope\\resources\\app.asar\\out\\main\\cli.js' });
    expect(file).toEqual({
      folder: 'C:\\Users\\ana\\AppData\\Local\\Logscope\\bin',
      name: 'logscope.cmd',
      content: '@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Logscope\\Logscope.exe" "C:\\Program Files\\Logscope\\resources\\app.asar\\out\\main\\cli.js" %*\r\n',
    });
  });
});
