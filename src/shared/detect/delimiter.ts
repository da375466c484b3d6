/**
 * Which character separates fields, judged from the sample's text. DuckDB's own sniffer
 * does this well on clean files, but one malformed line can make it prefer a character
 * that appears nowhere (one column, consistently), so Logscope picks the delimiter first
 * and lets the sniffer work out quoting, header and types with it.
 */
export const delimiterCandidates = [',', '\t', ';', '|'] as const;

/** Field counts of each record, honouring double-quoted fields (which may span lines). */
export function fieldCounts(text: string, delimiter: string, quote = '"', maxRecords = 2000): number[] {
  const counts: number[] = [];
  let fields = 1;
  let inQuotes = false;
  let recordHasContent = false;
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const char = text[i];
    if (inQuotes) {
      if (char === quote) {
        if (text[i + 1] === quote) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (char === quote) {
      inQuotes = true;
      recordHasContent = true;
    } else if (char === delimiter) {
      fields++;
      recordHasContent = true;
    } else if (char === '\n') {
      if (recordHasContent) counts.push(fields);
      fields = 1;
      recordHasContent = false;
    } else if (char !== '\r') {
      recordHasContent = true;
    }
  }
  if (recordHasContent && counts.length < maxRecords) counts.push(fields);
  return counts;
}

export interface DelimiterGuess {
  delimiter: string;
  /** The usual number of fields per record. */
  fields: number;
  /** Share of records that have the usual number of fields. */
  consistency: number;
}

/**
 * The candidate that splits most records into the same number of fields (at least two),
 * preferring more fields when two are equally consistent; null when no candidate splits
 * the lines (then the file is not delimited text).
 */
export function guessDelimiter(text: string): DelimiterGuess | null {
  let best: DelimiterGuess | null = null;
  for (const delimiter of delimiterCandidates) {
    const counts = fieldCounts(text, delimiter);
    if (counts.length === 0) continue;
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    const [fields, occurrences] = [...frequency.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    if (fields < 2) continue;
    const consistency = occurrences / counts.length;
    if (consistency < 0.6) continue;
    const better =
      !best ||
      consistency > best.consistency + 0.05 ||
      (Math.abs(consistency - best.consistency) <= 0.05 && fields > best.fields);
    if (better) best = { delimiter, fields, consistency };
  }
  return best;
}
