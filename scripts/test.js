#!/usr/bin/env node
// `npm test`: the whole suite, with what it needs. The tests use real servers and the real
// keychain, so on Debian/Ubuntu this installs the system packages they need when it can (as
// root or with passwordless sudo) and otherwise names them and the one command that installs
// them. Then it builds (command-line and end-to-end tests run the built app) and runs the
// suite — on Linux under a throw-away unlocked GNOME keyring, so the keychain tests use the
// real Secret Service; elsewhere the OS keychain is used as it is.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runOnSupportedNode } from './supported-node.js';

runOnSupportedNode(fileURLToPath(import.meta.url));

/** Debian packages the suite uses, and why. */
const systemPackages = {
  chromium: 'end-to-end tests (driven by playwright-core; no browser download)',
  'dovecot-imapd': 'the real IMAP server of the mail-in tests',
  'libsecret-1-dev': 'keytar, the OS keychain binding, builds against it',
  'gnome-keyring': 'the Secret Service the keychain tests use',
  dbus: 'a session bus for the keyring',
  'dbus-x11': 'dbus-launch for the keyring',
  'libglib2.0-bin': 'gdbus, which the keychain tests use to look into the Secret Service',
  'fonts-noto-cjk': 'Korean text in charts and screenshots',
  openssl: 'test certificates for the TLS tests',
  python3: 'node-gyp builds keytar',
  make: 'node-gyp builds keytar',
  'g++': 'node-gyp builds keytar',
};

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const succeeds = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

function ensureSystemPackages() {
  if (process.platform !== 'linux' || !succeeds('sh', ['-c', 'command -v dpkg && command -v apt-get'])) {
    process.stderr.write(`npm test: not Debian or Ubuntu, so nothing is installed; the suite uses: ${Object.keys(systemPackages).join(', ')} (or their equivalents).\n`);
    return;
  }
  const missing = Object.keys(systemPackages).filter((name) => !isInstalled(name));
  if (missing.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !succeeds('sudo', ['-n', 'true'])) {
    process.stderr.write(
      `npm test needs these Debian packages, and cannot install them without root:\n` +
        missing.map((name) => `  ${name} — ${systemPackages[name]}\n`).join('') +
        `Install them with:\n  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\nthen run npm test again.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`npm test: installing ${missing.join(' ')}\n`);
  const [command, ...prefix] = asRoot ? ['env'] : ['sudo', '-n', 'env'];
  const apt = (...args) => run(command, [...prefix, 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
  apt('update', '-qq');
  apt('install', '-y', '-qq', '--no-install-recommends', ...missing);
}

function isInstalled(name) {
  const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout;
  return status.includes('install ok installed');
}

/** keytar is optional: `npm ci` skips it where libsecret was missing. The keychain tests need it. */
function ensureKeytar() {
  if (process.platform !== 'linux' || succeeds(process.execPath, ['-e', "require('keytar')"])) return;
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  const version = lock.packages['node_modules/keytar']?.version;
  process.stderr.write(`npm test: building keytar ${version} (npm ci skipped it; libsecret is here now)\n`);
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `keytar@${version}`]);
}

ensureSystemPackages();
ensureKeytar();
const vitestArgs = ['vitest', 'run', ...process.argv.slice(2)];
if (!process.env.LOGSCOPE_TEST_SKIP_BUILD) run('npx', ['electron-vite', 'build']);
const canWrap = process.platform === 'linux' && succeeds('sh', ['-c', 'command -v dbus-run-session']);
if (canWrap) run('sh', ['scripts/with-keyring.sh', 'npx', ...vitestArgs]);
else run('npx', vitestArgs);
