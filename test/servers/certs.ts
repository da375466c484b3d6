import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface TestCertificate {
  /** Server certificate (PEM file), valid for DNS:localhost and IP:127.0.0.1. */
  certPath: string;
  /** Server private key (PEM file, unencrypted). */
  keyPath: string;
  /** The throw-away CA that signed the server certificate; clients trust this. */
  caPath: string;
  /** Server certificate PEM text. */
  pem: string;
  /** CA certificate PEM text, ready for `tls: { ca }`. */
  caPem: string;
  /** SHA-256 fingerprint of the server certificate as Node's `tls` reports it (`AA:BB:…`). */
  fingerprint256: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`, { cause: error });
  }
}

/**
 * Makes a throw-away CA and a server certificate for localhost / 127.0.0.1 in `dir`,
 * so tests verify TLS against a CA instead of turning verification off.
 * EC P-256 keys: generating them takes milliseconds, RSA-2048 noticeably longer.
 */
export async function createTestCertificate(
  dir: string,
  { commonName = 'localhost' }: { commonName?: string } = {},
): Promise<TestCertificate> {
  const caKeyPath = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'server.key');
  const csrPath = join(dir, 'server.csr');
  const certPath = join(dir, 'server.pem');
  const extPath = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  await openssl(
    [
      'req', '-x509', ...ec, '-keyout', caKeyPath, '-out', caPath, '-days', '2',
      '-subj', '/CN=Logscope Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(['req', '-new', ...ec, '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${commonName}`], dir);
  await writeFile(
    extPath,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'x509', '-req', '-in', csrPath, '-CA', caPath, '-CAkey', caKeyPath, '-CAcreateserial',
      '-out', certPath, '-days', '2', '-sha256', '-extfile', extPath,
    ],
    dir,
  );

  const pem = await readFile(certPath, 'utf8');
  const caPem = await readFile(caPath, 'utf8');
  // X509Certificate formats the digest exactly like tls's peerCertificate.fingerprint256.
  const { fingerprint256 } = new X509Certificate(pem);
  return { certPath, keyPath, caPath, pem, caPem, fingerprint256 };
}
