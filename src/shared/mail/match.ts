/**
 * The pure parts of a collection rule: which messages and which attachments it takes.
 * Patterns are case-insensitive; `*` and `?` are wildcards. A pattern without a wildcard
 * is a part of the text (senders, subjects) or the whole name (attachments).
 */

const hasWildcard = (pattern: string) => /[*?]/.test(pattern);

/** `*.csv` → /^.*\.csv$/i; everything but `*` and `?` is literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'isu');
}

/** Whether an attachment's decoded file name matches one of the rule's patterns. */
export function attachmentNameMatches(fileName: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => globToRegExp(pattern.trim()).test(fileName));
}

/** A sender matches when any pattern is part of its address or display name (or matches it as a glob). */
export function senderMatches(sender: { address?: string | null; name?: string | null } | null, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  if (!sender) return false;
  const fields = [sender.address ?? '', sender.name ?? ''].filter(Boolean);
  return patterns.some((pattern) => {
    const p = pattern.trim();
    if (hasWildcard(p)) return fields.some((field) => globToRegExp(p).test(field));
    const needle = p.toLowerCase();
    return fields.some((field) => field.toLowerCase().includes(needle));
  });
}

export function subjectMatches(subject: string | null | undefined, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  const text = subject ?? '';
  return patterns.some((pattern) => {
    const p = pattern.trim();
    if (hasWildcard(p)) return globToRegExp(`*${p}*`).test(text);
    return text.toLowerCase().includes(p.toLowerCase());
  });
}

/**
 * The name an attachment is shown and imported under. Mail names are data, not paths:
 * anything before the last `/` or `\` goes, control characters and NULs go, `.`/`..` and
 * empty names become `attachment`. The file on disk always has a name of Logscope's own.
 */
export function displayFileName(name: string | null | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned || cleaned === '.' || cleaned === '..') return 'attachment';
  return [...cleaned].slice(0, 255).join('');
}

/** `aa bb …`, `AABB…` or `aa:bb:…` → `AA:BB:…`; null when it is not 32 bytes of hex. */
export function normalizeFingerprint(value: string): string | null {
  const hex = value.replace(/^sha-?256\s*[:=]?\s*/i, '').replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}
