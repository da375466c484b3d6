/**
 * Tokenising and variable masking for the message-pattern miner.
 *
 * Masks are by *type*, never by system: what a token looks like (a number, an address,
 * an id, a path, a host name, a quoted value), not where it appears. The per-system
 * regexes of the LogPAI benchmark would score higher on their own logs and worse on
 * everyone else's, so none are used here.
 */

/** The wildcard written into templates, as in Drain and the loghub ground truth. */
export const WILDCARD = '<*>';

const NON_SPACE_RUN = /\S+/g;

/**
 * Splits a message into tokens on whitespace, as Drain does. Quoted text with spaces
 * is not kept together: a quoted request line (`"GET /a HTTP/1.1"`) holds the words
 * that tell events apart (`GET` from `POST`), so its words are masked one by one like
 * any others; a quoted value without spaces is masked whole by `maskVariables`.
 */
export function tokenize(message: string): string[] {
  return message.match(NON_SPACE_RUN) ?? [];
}

const QUOTE = 34; // "
const APOSTROPHE = 39; // '

const EMPTY_ENCLOSURES = new Set(['()', '[]', '{}', '<>', '""', "''"]);

/*
 * Whole-value patterns. Each is tried on the token with its wrapping punctuation
 * stripped, and replaces all of it: these values contain separators (`.`, `:`, `/`,
 * `-`) whose count varies between values, so masking them piecewise would give
 * different shapes for one variable.
 */
const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const EMAIL_PATTERN = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$/i;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC_PATTERN = /^[0-9a-f]{2}(?:([:-])[0-9a-f]{2}){5}$/i;
const IPV4_PATTERN = /^(\/?)(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?$/;
/* Bracketed (with optional port) or bare; bare needs `::` or 7 colons and a digit, so
   `std::map` and clock times are not taken for addresses. */
const IPV6_BRACKETED_PATTERN = /^\[[0-9a-f:.]*:[0-9a-f:.]*(?:%\w+)?\](?::\d{1,5})?$/i;
const IPV6_PATTERN = /^(?=.*\d)(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:)*[0-9a-f]{0,4}::(?:[0-9a-f]{1,4}:)*[0-9a-f]{0,4}(?:\.\d{1,3}){0,3})(?:%\w+)?$/i;
/* Absolute paths with at least two segments (`/var/log/x`), home- or dot-relative
   paths, and Windows drive paths; a lone `/name` is too often a constant (`/proc`). */
const PATH_PATTERN = /^(?:~|\.{1,2})?\/[^/\s]*\/\S*$|^[a-z]:\\\S*$/i;
/* The same paths inside a token, after `(`, `=`, `:` and the like (`chdir(/p/x/y)`). */
const EMBEDDED_PATH_PATTERN = /(?<=[([{<=:,'"])(?:~|\.{1,2})?(?:\/[^/\s()[\]{}<>,;'"]+){2,}\/?/g;
/* Dotted names of three or more labels ending in a lower-case label: host names
   (`mail.example.co.kr`), package names (`com.android.systemui`), config keys. The last
   label must start lower-case so that Java class names (`java.io.IOException`), which
   often tell events apart, stay. Two labels count only with a generic top-level domain,
   since file names (`run.sh`, `mice.c`) look the same. An optional port is included. */
const DOTTED_NAME_PATTERN = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.){2,}[a-z][a-z0-9_-]*(?::\d{1,5})?$/i;
const LOWER_LAST_LABEL_PATTERN = /\.[a-z][a-z0-9_-]*(?::\d{1,5})?$/;
const TWO_LABEL_HOST_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.(?:com|net|org|edu|gov|mil|int|info|biz)(?::\d{1,5})?$/i;

/* Wildcards joined only by separators are one value (`<*>:<*>`, `<*>-<*>-<*>`). */
const WILDCARD_RUN_PATTERN = /<\*>(?:[.:,;_\-/+#@]+<\*>)+/g;

const KEY_VALUE_PATTERN = /^([\p{L}_][\p{L}\p{N}_.-]*)=(.*)$/su;
const QUOTED_INSIDE_PATTERN = /(["'])(?:(?!\1).)*\1/g;

/**
 * Replaces the variable parts of one token with `<*>`, keeping its constant text and
 * punctuation: `blk_-42` → `blk_<*>`, `(uid=0)` → `(uid=<*>)`, `10.0.0.1:80` → `<*>`.
 * Words without digits are kept as they are (in any script, so Korean text stays
 * text): a word is how two events differ, and guessing which words are variables is
 * left to the miner, which sees how they vary across lines.
 */
export function maskVariables(token: string): string {
  if (!mayHoldVariable(token)) return token;
  if (isNumberLike(token)) return WILDCARD;
  return collapseWildcards(maskCore(token));
}

/**
 * Digits joined by separators (`42`, `-1`, `3.14`, `04:47:44`, `2015-07-29`, `1,024`):
 * the commonest variables, which the full path would also turn into one `<*>`, taken
 * without it because they are on nearly every line.
 */
function isNumberLike(token: string): boolean {
  const length = token.length;
  let index = token.charCodeAt(0) === 45 || token.charCodeAt(0) === 43 ? 1 : 0; // - +
  if (index >= length || !isAsciiDigit(token.charCodeAt(index)) || !isAsciiDigit(token.charCodeAt(length - 1))) return false;
  for (index++; index < length; index++) {
    const code = token.charCodeAt(index);
    // . : , - / _
    if (!isAsciiDigit(code) && code !== 46 && code !== 58 && code !== 44 && code !== 45 && code !== 47 && code !== 95) return false;
  }
  return true;
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * `maskVariables` with a cache of the tokens it leaves unchanged (`src:`, `[preauth]`):
 * constant words repeat on every line, variables rarely repeat, so only the former are
 * kept, up to `cacheLimit` of them. Plain words skip the cache, since the character
 * check is cheaper than hashing them.
 */
export function createTokenMasker(cacheLimit = 100_000): (token: string) => string {
  const unchanged = new Set<string>();
  return (token) => {
    if (!mayHoldVariable(token) || unchanged.has(token)) return token;
    if (isNumberLike(token)) return WILDCARD;
    const masked = collapseWildcards(maskCore(token));
    if (masked === token) {
      if (unchanged.size >= cacheLimit) unchanged.clear();
      unchanged.add(token);
    }
    return masked;
  };
}

/** Cheap pre-check: most constant tokens are plain words and skip every regex. */
function mayHoldVariable(token: string): boolean {
  for (let index = 0; index < token.length; index++) {
    const code = token.charCodeAt(index);
    // digit " ' ( . / : = @ [ \ {
    if ((code >= 48 && code <= 57) || code === 34 || code === 39 || code === 40 || code === 46 || code === 47 ||
      code === 58 || code === 61 || code === 64 || code === 91 || code === 92 || code === 123) {
      return true;
    }
  }
  // Hex ids without a decimal digit (`deadbeefcafe`) are long; short words are safe.
  return token.length >= 8 && isHexRun(token, 0, token.length);
}

function maskCore(token: string): string {
  const length = token.length;
  const first = token.charCodeAt(0);
  if (length === 2 && EMPTY_ENCLOSURES.has(token)) return token[0] + WILDCARD + token[1];
  // A quoted value: `'hlt'`, `"bob"`, also before trailing punctuation (`'x',`).
  if (first === QUOTE || first === APOSTROPHE) {
    const close = token.lastIndexOf(token[0]!);
    if (close > 0 && isAllTrailingWrappers(token, close + 1)) return token[0] + WILDCARD + token.slice(close);
  }
  // Before stripping brackets: `[::1]:8080` is one address, not `[` plus text.
  if (first === 91 && IPV6_BRACKETED_PATTERN.test(token)) return WILDCARD;
  if (token.includes('=')) {
    const keyValue = KEY_VALUE_PATTERN.exec(token);
    if (keyValue) {
      const value = keyValue[2] ?? '';
      // An empty value is a variable that happened to be empty (`ruser=`, `rhost=`).
      return `${keyValue[1]}=${value === '' ? WILDCARD : maskCore(value)}`;
    }
  }
  let start = 0;
  let end = length;
  while (start < end && isLeadingWrapper(token.charCodeAt(start))) start++;
  while (end > start && isTrailingWrapper(token.charCodeAt(end - 1))) end--;
  const isBare = start === 0 && end === length;
  const whole = maskWholeValue(isBare ? token : token.slice(start, end));
  if (whole !== undefined) return isBare ? whole : token.slice(0, start) + whole + token.slice(end);
  // Quoted text and paths inside a token (`name:"x"`, `chdir(/p/x/y)`), then variable pieces.
  let inner = token;
  if (inner.includes('"') || inner.includes("'")) inner = inner.replace(QUOTED_INSIDE_PATTERN, `$1${WILDCARD}$1`);
  if (inner.indexOf('/') !== inner.lastIndexOf('/')) inner = inner.replace(EMBEDDED_PATH_PATTERN, WILDCARD);
  return maskPieces(inner);
}

function isLeadingWrapper(code: number): boolean {
  return code === 40 || code === 91 || code === 123 || code === 60 || code === QUOTE || code === APOSTROPHE; // ( [ { < " '
}

function isTrailingWrapper(code: number): boolean {
  // ) ] } > , ; : . ! ? " '
  return code === 41 || code === 93 || code === 125 || code === 62 || code === 44 || code === 59 || code === 58 ||
    code === 46 || code === 33 || code === 63 || code === QUOTE || code === APOSTROPHE;
}

function isAllTrailingWrappers(token: string, from: number): boolean {
  for (let index = from; index < token.length; index++) {
    if (!isTrailingWrapper(token.charCodeAt(index))) return false;
  }
  return true;
}

/**
 * Whole-value patterns, each tried only when the characters it needs are present:
 * this runs for every token with a digit, millions of times per batch.
 */
function maskWholeValue(core: string): string | undefined {
  const length = core.length;
  if (length === 0) return undefined;
  let digits = 0;
  let dots = 0;
  let colons = 0;
  let slashes = 0;
  let ats = 0;
  for (let index = 0; index < length; index++) {
    const code = core.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
    else if (code === 46) dots++;
    else if (code === 58) colons++;
    else if (code === 47 || code === 92) slashes++;
    else if (code === 64) ats++;
  }
  const first = core.charCodeAt(0);
  if (dots === 3 && digits >= 4 && (first === 47 || (first >= 48 && first <= 57))) {
    const ipv4 = IPV4_PATTERN.exec(core);
    if (ipv4) return (ipv4[1] ?? '') + WILDCARD;
  }
  const isWhole =
    (slashes > 0 && colons > 0 && core.includes('://') && URL_PATTERN.test(core)) ||
    (ats === 1 && dots > 0 && EMAIL_PATTERN.test(core)) ||
    (length === 36 && UUID_PATTERN.test(core)) ||
    (length === 17 && MAC_PATTERN.test(core)) ||
    (colons >= 2 && digits > 0 && (colons >= 7 || core.includes('::')) && IPV6_PATTERN.test(core)) ||
    (slashes > 0 && PATH_PATTERN.test(core)) ||
    (dots > 0 && colons <= 1 && slashes === 0 && ats === 0 && isDottedName(core));
  return isWhole ? WILDCARD : undefined;
}

function isDottedName(core: string): boolean {
  if (DOTTED_NAME_PATTERN.test(core)) return LOWER_LAST_LABEL_PATTERN.test(core);
  return TWO_LABEL_HOST_PATTERN.test(core);
}

function maskPieces(token: string): string {
  let output = '';
  let index = 0;
  while (index < token.length) {
    const code = token.charCodeAt(index);
    if (!isWordCode(code)) {
      output += token[index];
      index++;
      continue;
    }
    let end = index;
    let hasDigit = false;
    while (end < token.length) {
      const next = token.codePointAt(end)!;
      if (!isWordCode(next)) break;
      if (isDigitCode(next)) hasDigit = true;
      end += next > 0xffff ? 2 : 1;
    }
    if (hasDigit || (end - index >= 8 && isHexRun(token, index, end))) {
      const sign = output.at(-1);
      if ((sign === '-' || sign === '+') && !isWordCode(token.charCodeAt(index - 2))) output = output.slice(0, -1);
      output += WILDCARD;
    } else {
      output += token.slice(index, end);
    }
    index = end;
  }
  return output;
}

const WORD_PATTERN = /[\p{L}\p{N}]/u;
const DIGIT_PATTERN = /\p{N}/u;

function isWordCode(code: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return !Number.isNaN(code) && WORD_PATTERN.test(String.fromCodePoint(code));
}

function isDigitCode(code: number): boolean {
  if (code < 128) return code >= 48 && code <= 57;
  return DIGIT_PATTERN.test(String.fromCodePoint(code));
}

function isHexRun(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index) | 0x20;
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

function collapseWildcards(masked: string): string {
  const first = masked.indexOf(WILDCARD);
  return first >= 0 && masked.includes(WILDCARD, first + WILDCARD.length) ? masked.replace(WILDCARD_RUN_PATTERN, WILDCARD) : masked;
}

const CALENDAR_WORDS = new Set([
  'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
]);

/* Size units a formatter picks by magnitude (`512 B`, `3.8 KB`, `2.4 GB`): the unit is
   part of the value, not of the event. */
const SIZE_UNITS = new Set(['b', 'kb', 'mb', 'gb', 'tb', 'pb', 'kib', 'mib', 'gib', 'tib', 'pib']);

/**
 * Tokenises and masks a whole message: the form the miner groups on.
 *
 * Beyond `maskVariables` per token it applies rules that need neighbours: a month or
 * weekday name next to a masked number is part of a date (`Sun Jul 24 02:38:22 2005`),
 * a size unit after a masked number is part of the size (`3.8 KB`), and a run of
 * identical masked tokens becomes one (`<*> <*> <*>`, `blk_<*> blk_<*>`), so a variable
 * that spans a varying number of tokens (a date, a list of ids) does not change the
 * token count of its message.
 */
export function maskMessage(message: string, maskToken: (token: string) => string = maskVariables): string[] {
  const masked = tokenize(message);
  // Whether each token is a wildcard with at most punctuation around it; the neighbour
  // rules only look next to those, so most tokens are never inspected twice.
  let isNumeric: boolean[] | undefined;
  for (let index = 0; index < masked.length; index++) {
    const token = maskToken(masked[index]!);
    masked[index] = token;
    if (token === WILDCARD || (token.includes(WILDCARD) && isNumericWildcard(token))) (isNumeric ??= [])[index] = true;
  }
  if (isNumeric === undefined) return masked;
  // Backwards then forwards, so `Sun Jul 24` masks `Jul` from `24` and then `Sun` from `Jul`.
  for (let index = masked.length - 2; index >= 0; index--) {
    if (isNumeric[index + 1] === true && isNumeric[index] !== true && isCalendarWord(masked[index]!)) {
      masked[index] = maskWordKeepingPunctuation(masked[index]!);
      isNumeric[index] = true;
    }
  }
  for (let index = 1; index < masked.length; index++) {
    if (isNumeric[index - 1] !== true || isNumeric[index] === true) continue;
    const word = bareWord(masked[index]!);
    if (word === undefined) continue;
    if (SIZE_UNITS.has(word)) {
      // `3.8 KB,` becomes `<*>,`: one value, with the punctuation that follows it.
      if (masked[index - 1] === WILDCARD) masked[index - 1] = '';
      masked[index] = maskWordKeepingPunctuation(masked[index]!);
      isNumeric[index] = true;
    } else if (CALENDAR_WORDS.has(word)) {
      masked[index] = maskWordKeepingPunctuation(masked[index]!);
      isNumeric[index] = true;
    }
  }
  let length = 0;
  for (let index = 0; index < masked.length; index++) {
    const token = masked[index]!;
    if (token === '' || (length > 0 && token === masked[length - 1] && token.includes(WILDCARD))) continue;
    masked[length++] = token;
  }
  masked.length = length;
  return masked;
}

/** `Jul,` → `<*>,`, `[Sun` → `[<*>`: `bareWord` has checked the token is a word and punctuation. */
function maskWordKeepingPunctuation(token: string): string {
  let start = 0;
  while (start < token.length && isLeadingWrapper(token.charCodeAt(start))) start++;
  let end = token.length;
  while (end > start && isTrailingWrapper(token.charCodeAt(end - 1))) end--;
  return token.slice(0, start) + WILDCARD + token.slice(end);
}

function isCalendarWord(token: string): boolean {
  const word = bareWord(token);
  return word !== undefined && CALENDAR_WORDS.has(word);
}

/**
 * A short ASCII word, lower-cased, without the brackets and punctuation around it
 * (`Jul,` → `jul`, `[Sun` → `sun`: a bracketed date such as `[Sun Dec 04 04:47:44 2005]`
 * starts with one); else undefined.
 */
function bareWord(token: string): string | undefined {
  if (token.length > 10) return undefined;
  let start = 0;
  while (start < token.length && isLeadingWrapper(token.charCodeAt(start))) start++;
  let end = token.length;
  while (end > start && isTrailingWrapper(token.charCodeAt(end - 1))) end--;
  if (end === start) return undefined;
  for (let index = start; index < end; index++) {
    const code = token.charCodeAt(index) | 0x20;
    if (code < 97 || code > 122) return undefined;
  }
  return token.slice(start, end).toLowerCase();
}

/** A token that is a wildcard with at most punctuation around it (`<*>`, `(<*>`, `<*>,`). */
function isNumericWildcard(token: string | undefined): boolean {
  if (token === undefined) return false;
  const at = token.indexOf(WILDCARD);
  if (at < 0) return false;
  for (let index = 0; index < token.length; index++) {
    if (index >= at && index < at + WILDCARD.length) continue;
    if (isWordCode(token.charCodeAt(index))) return false;
  }
  return true;
}
