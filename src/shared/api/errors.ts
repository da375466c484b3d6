/**
 * Every failure that crosses a transport is one of these codes plus flat parameters.
 * The UI shows `t(`errors.${code}`, params)`; the command prints the English text.
 * A unit test checks that each code has Korean and English text.
 */
export const errorCodes = [
  'internal',
  'cancelled',
  'invalid_input',
  'unauthorized',
  'not_found',
  'dataset_not_found',
  'dataset_name_invalid',
  'dataset_name_reserved',
  'dataset_name_taken',
  'column_not_found',
  'query_refused',
  'query_failed',
  'data_dir_in_use',
  'data_dir_owned',
  'owner_unreachable',
  // files and imports
  'file_not_found',
  'file_is_directory',
  'file_unreadable',
  'file_empty',
  'file_binary',
  'file_header_only',
  'file_vanished',
  'format_not_recognised',
  'time_column_not_found',
  'timezone_invalid',
  'disk_space_low',
  'import_failed',
  'source_not_found',
  'upload_not_found',
  // secrets
  'keychain_unavailable',
  'credentials_file_insecure',
  'credentials_file_unreadable',
  'credentials_file_unwritable',
  'secret_not_found',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type ErrorParams = Record<string, string | number | boolean | null>;

export interface WireError {
  code: ErrorCode;
  params: ErrorParams;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(`${code}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`, options);
    this.name = 'AppError';
    this.code = code;
    this.params = params;
  }

  toWire(): WireError {
    return { code: this.code, params: this.params };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** Anything thrown becomes a WireError; unknown errors keep only a message, never a stack. */
export function toWireError(error: unknown): WireError {
  if (error instanceof AppError) return error.toWire();
  if (isWireError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', params: { message } };
}

export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { params?: unknown }).params === 'object'
  );
}

/** Rebuilds an AppError on the client side of a transport. */
export function fromWireError(wire: WireError): AppError {
  return new AppError(wire.code, wire.params);
}
