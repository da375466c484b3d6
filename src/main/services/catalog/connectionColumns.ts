import { toCell } from '../db/cells';
import type { TlsTrust } from '../../../shared/api/contract/mail';

/**
 * The columns IMAP and SMTP accounts share in the catalogue: how the server's certificate
 * is trusted, where the password is kept (never the password) or which OAuth2 grant signs
 * in, and the last test.
 */
export type SecretPlace = { store: 'keychain' } | { store: 'file'; path: string } | { store: 'oauth2'; grant: string };

export interface LastTest {
  at: string;
  ok: boolean;
  errorCode: string | null;
}

export function trustParams(trust: TlsTrust): { trustKind: TlsTrust['kind']; trustValue: string | null } {
  return { trustKind: trust.kind, trustValue: trust.kind === 'ca_file' ? trust.path : trust.kind === 'pinned' ? trust.fingerprint256 : null };
}

export function secretParams(secret: SecretPlace): { store: SecretPlace['store']; path: string | null } {
  // An OAuth2 account keeps its grant's name in the path column: a name or a credentials file.
  return { store: secret.store, path: secret.store === 'file' ? secret.path : secret.store === 'oauth2' ? secret.grant : null };
}

/** Reads `trust_kind, trust_value, secret_store, credentials_path, last_test_at, last_test_ok, last_test_error`. */
export function connectionFromRow(cells: unknown[]): { trust: TlsTrust; secret: SecretPlace; lastTest: LastTest | null } {
  const [trustKind, trustValue, store, path, testedAt, testOk, testError] = cells;
  const value = trustValue === null ? '' : String(trustValue);
  return {
    trust: trustKind === 'ca_file' ? { kind: 'ca_file', path: value } : trustKind === 'pinned' ? { kind: 'pinned', fingerprint256: value } : { kind: 'system' },
    secret: store === 'file' ? { store: 'file', path: String(path) } : store === 'oauth2' ? { store: 'oauth2', grant: String(path) } : { store: 'keychain' },
    lastTest: testedAt === null ? null : { at: toCell(testedAt) as string, ok: Boolean(testOk), errorCode: testError === null ? null : String(testError) },
  };
}
