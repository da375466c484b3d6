import { AppError, type ErrorCode, type ErrorParams } from '../../../shared/api/errors';

/**
 * Codes this service throws (all listed in `errorCodes`):
 *
 * - keychain_unavailable         { reason }                 no OS keychain reachable (no session bus,
 *                                                            no Secret Service, native module missing)
 * - credentials_file_insecure    { path, mode, reason, … }  group/world bits set, or not owned by us
 * - credentials_file_unreadable  { path, reason }           cannot open/read, not a regular file
 * - credentials_file_unwritable  { path, reason }           cannot create/replace/remove it
 * - credentials_file_missing     { path, reason? }          the file is gone, or empty
 * - secret_not_found             { store, account }         nothing in the keychain under that account
 * - secrets_file_unreadable      { path, reason }           the app's encrypted secrets file is not ours,
 *                                                            not readable, or cannot be decrypted
 * - secret_needs_app             { account, path, reason }  the password is in the encrypted file, which
 *                                                            only the app (Electron safeStorage) can open
 */
export const secretErrorCodes = [
  'keychain_unavailable',
  'credentials_file_insecure',
  'credentials_file_unreadable',
  'credentials_file_unwritable',
  'credentials_file_missing',
  'secret_not_found',
  'secrets_file_unreadable',
  'secret_needs_app',
] as const;

export type SecretErrorCode = (typeof secretErrorCodes)[number] & ErrorCode;

export function secretError(code: SecretErrorCode, params: ErrorParams, cause?: unknown): AppError {
  return new AppError(code, params, cause === undefined ? undefined : { cause });
}
