/**
 * Which column of a dataset holds the log message, the text the pattern miner groups.
 *
 * A column named like a message wins (`message` first, so the `message` column that
 * line-format loaders produce is always taken), then the longest free-text column,
 * judged on a sample. Logscope's own `_ls_` columns and the time column never count.
 */

export interface MessageColumnCandidate {
  name: string;
  /** DuckDB type name, e.g. `VARCHAR`. */
  type: string;
  /** Average length of the sampled non-null values; null when nothing was sampled. */
  averageLength?: number | null;
  /** Share (0–1) of the sampled non-null values that contain whitespace. */
  spaceShare?: number | null;
}

/**
 * Names in order of preference, compared after `normalizeColumnName`. Nested JSON
 * fields arrive flattened with `_` (`log.message` → `log_message`).
 */
export const messageColumnNames: readonly string[] = [
  'message',
  'msg',
  'log_message',
  'logmessage',
  'message_text',
  'content',
  'text',
  'log',
  'body',
  'line',
  'raw',
  'event',
  'description',
  'details',
  '메시지',
  '메세지',
  '로그_메시지',
  '내용',
  '로그',
  '본문',
  '설명',
];

/** Lower case, with any run of other characters than letters and digits as one `_`. */
export function normalizeColumnName(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** Plain text types only: a JSON column holds structure, not a message. */
export function isTextType(type: string): boolean {
  return /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)(\(\d+\))?$/i.test(type.trim());
}

/** A sampled column whose values contain spaces in at least this share is free text. */
const freeTextSpaceShare = 0.5;

export function chooseMessageColumn(
  columns: readonly MessageColumnCandidate[],
  options: { timeColumn?: string | null } = {},
): string | null {
  const candidates = columns.filter(
    (c) => isTextType(c.type) && !c.name.toLowerCase().startsWith('_ls_') && c.name !== options.timeColumn,
  );
  let best: { name: string; rank: number } | null = null;
  for (const column of candidates) {
    const normalized = normalizeColumnName(column.name);
    let rank = messageColumnNames.indexOf(normalized);
    // `error_message`, `log_msg`: a message, but after every exact name.
    if (rank < 0 && /(^|_)(message|msg|메시지|메세지)$/u.test(normalized)) rank = messageColumnNames.length;
    // A named column whose sample is empty is still taken: the name is the stronger evidence.
    if (rank >= 0 && (best === null || rank < best.rank)) best = { name: column.name, rank };
  }
  if (best) return best.name;

  const sampled = candidates.filter((c) => (c.averageLength ?? 0) > 0);
  const longest = (list: readonly MessageColumnCandidate[]) =>
    list.reduce<MessageColumnCandidate | null>((top, c) => (top === null || (c.averageLength ?? 0) > (top.averageLength ?? 0) ? c : top), null);
  const freeText = longest(sampled.filter((c) => (c.spaceShare ?? 0) >= freeTextSpaceShare));
  return (freeText ?? longest(sampled))?.name ?? null;
}
