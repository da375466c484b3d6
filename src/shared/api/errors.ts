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
  'query_syntax',
  'query_syntax_unplaced',
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
  // formats, encodings, archives
  'encoding_unknown',
  'pattern_invalid',
  'pattern_not_found',
  'archive_corrupt',
  'archive_too_large',
  'archive_ratio_exceeded',
  'archive_member_unsupported',
  'archive_has_members',
  'archive_empty',
  'archive_preview_unavailable',
  // scheduled jobs
  'schedule_invalid',
  'mail_fetch_incomplete',
  'config_invalid',
  // secrets
  'keychain_unavailable',
  'credentials_file_insecure',
  'credentials_file_unreadable',
  'credentials_file_unwritable',
  'credentials_file_missing',
  'secret_not_found',
  'secrets_file_unreadable',
  'secret_needs_app',
  // mail-in (IMAP)
  'mail_account_not_found',
  'mail_account_name_taken',
  'mail_account_in_use',
  'mail_rule_not_found',
  'mail_rule_name_taken',
  'mail_fetch_running',
  'mail_host_not_found',
  'mail_connection_refused',
  'mail_timeout',
  'mail_tls_failed',
  'mail_tls_handshake_failed',
  'mail_tls_pin_mismatch',
  'mail_starttls_unavailable',
  'mail_ca_file_unreadable',
  'mail_auth_failed',
  'mail_folder_not_found',
  'mail_connection_lost',
  'mail_server_error',
  'mail_attachment_too_large',
  'mail_mime_malformed',
  'mail_action_failed',
  // OAuth2 sign-in (IMAP and SMTP)
  'oauth_sign_in_again',
  'oauth_token_failed',
  'oauth_grant_not_found',
  'oauth_no_refresh_token',
  'oauth_sign_in_failed',
  'oauth_sign_in_timeout',
  'oauth_discovery_failed',
  'oauth_device_unsupported',
  'oauth_device_expired',
  // dashboard
  'chart_roles_missing',
  'search_pattern_invalid',
  'search_quote_unclosed',
  'search_value_not_number',
  'search_field_time',
  'search_no_text_columns',
  'search_column_not_found',
  'filter_column_missing',
  'role_column_invalid',
  'chart_font_missing',
  // chart builder and saved dashboards
  'chart_spec_invalid',
  // message patterns
  'patterns_no_message_column',
  'patterns_failed',
  // e-mailed reports and alerts (SMTP)
  'smtp_account_not_found',
  'smtp_account_name_taken',
  'smtp_account_in_use',
  'smtp_account_missing',
  'smtp_account_ambiguous',
  'smtp_host_not_found',
  'smtp_connection_refused',
  'smtp_timeout',
  'smtp_tls_failed',
  'smtp_tls_handshake_failed',
  'smtp_tls_pin_mismatch',
  'smtp_starttls_unavailable',
  'smtp_auth_failed',
  'smtp_sender_refused',
  'smtp_recipients_refused',
  'smtp_message_refused',
  'smtp_temporary_failure',
  'smtp_connection_lost',
  'smtp_possibly_delivered',
  'smtp_recipient_invalid',
  'smtp_protocol_error',
  'report_not_found',
  'report_name_taken',
  'report_in_use',
  'report_no_recipients',
  'report_period_invalid',
  'report_partly_sent',
  'report_pdf_unavailable',
  'alert_rule_invalid',
  // query engines (ClickHouse connections)
  'engine_not_found',
  'engine_name_taken',
  'engine_name_invalid',
  'engine_url_invalid',
  'engine_ca_file_unreadable',
  'engine_unreachable',
  'engine_tls_failed',
  'engine_auth_failed',
  'engine_database_not_found',
  'engine_timeout',
  'engine_write_refused',
  'engine_query_failed',
  'engine_unsupported',
  'engine_table_not_found',
  'dataset_read_only',
  'patterns_unavailable_attached',
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
