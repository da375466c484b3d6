import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli';
import { tempDataDir } from './support/dataDir';

// These machines have neither a display nor Electron's binary: `npm start` must say so in a
// sentence and serve the same UI to a browser, not end in electron-vite's stack trace.
describe('npm start without a window', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => children.forEach((child) => child.kill('SIGTERM')));

  it('says why, starts browser mode, and serves the app at the printed URL', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.js'), '--json', '--data-dir', tempDataDir()], { cwd: repoRoot, env });
    children.push(child);
    let stdout = '';
    const started = await new Promise<{ url: string }>((resolve, reject) => {
      child.stdout.on('data', (data) => {
        stdout += data;
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { url: string });
      });
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${stdout}`)));
    });
    expect(stdout.split('\n')[0]).toMatch(/^Logscope: .+, so it runs in browser mode — open the URL below\.$/);
    // The tokened URL trades the token for a cookie and redirects to the app.
    const signIn = await fetch(started.url, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = await fetch(new URL('/', started.url), { headers: { cookie } });
    expect(page.status).toBe(200);
    await expect(page.text()).resolves.toContain('<div id="root">');
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);
  });
});
