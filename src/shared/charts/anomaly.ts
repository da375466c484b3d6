/**
 * The "unusual" rule for a series such as the error rate per bucket: a point stands out
 * when it is above the median of the W points before it plus k times their median
 * absolute deviation (MAD). Plain enough to say in one sentence on hover, robust to the
 * spikes it is looking for (a spike does not raise the median the way it raises a mean),
 * and the same rule later drives alerts and the e-mailed report.
 */

export interface UnusualRule {
  /** How many deviations above the median a point must be. */
  k: number;
  /** How many earlier points (W) the median and MAD are taken over. */
  window: number;
  /** A point needs at least this many earlier points to be judged at all. */
  minHistory: number;
  /**
   * The MAD is taken as at least this much, so a flat history (all zeros: MAD 0) does not
   * make every small wobble unusual. In the series' own unit (0.002 = 0.2 points of rate).
   */
  minDeviation: number;
  /** Points whose weight (e.g. requests in the bucket) is below this are never unusual. */
  minWeight: number;
  /**
   * `share`: the values are shares of their weights (errors / requests), so a small bucket is
   * noisy by itself: the deviation is also taken as at least the bucket's sampling noise
   * √(m(1−m)/n) (m the median, at least 1/n; n the bucket's weight). Without it, 3 errors in
   * 250 requests stand out against a history of 0 or 1. `plain`: values as they are.
   */
  kind: 'share' | 'plain';
}

/** k = 4, W = 24: on hourly buckets, "more than 4 MADs above the day before". */
export const UNUSUAL_K = 4;
export const UNUSUAL_WINDOW = 24;
export const UNUSUAL_MIN_HISTORY = 6;
export const UNUSUAL_MIN_DEVIATION = 0.002;
export const UNUSUAL_MIN_WEIGHT = 20;

export const defaultUnusualRule: UnusualRule = {
  k: UNUSUAL_K,
  window: UNUSUAL_WINDOW,
  minHistory: UNUSUAL_MIN_HISTORY,
  minDeviation: UNUSUAL_MIN_DEVIATION,
  minWeight: UNUSUAL_MIN_WEIGHT,
  kind: 'share',
};

export interface UnusualVerdict {
  /** Median of the earlier points, or null when there were too few. */
  median: number | null;
  /** Their median absolute deviation (before `minDeviation` applies). */
  mad: number | null;
  /** The value above which this point is unusual: median + k · max(MAD, minDeviation, noise). */
  threshold: number | null;
  unusual: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Judges every point of `values` against the points before it. Missing points (null,
 * e.g. buckets without requests) are skipped: they neither count as history nor get a verdict.
 * `weights` (same length) are the points' sizes, for `minWeight`.
 */
export function findUnusual(
  values: readonly (number | null)[],
  options: { rule?: UnusualRule; weights?: readonly number[] } = {},
): UnusualVerdict[] {
  const rule = options.rule ?? defaultUnusualRule;
  const history: number[] = [];
  return values.map((value, i) => {
    if (value === null || !Number.isFinite(value)) return { median: null, mad: null, threshold: null, unusual: false };
    let verdict: UnusualVerdict = { median: null, mad: null, threshold: null, unusual: false };
    if (history.length >= rule.minHistory) {
      const m = median(history);
      const mad = median(history.map((h) => Math.abs(h - m)));
      const weight = options.weights?.[i] ?? Infinity;
      let deviation = Math.max(mad, rule.minDeviation);
      if (rule.kind === 'share' && Number.isFinite(weight) && weight > 0) {
        const share = Math.min(1, Math.max(m, 1 / weight));
        deviation = Math.max(deviation, Math.sqrt((share * (1 - share)) / weight));
      }
      const threshold = m + rule.k * deviation;
      verdict = { median: m, mad, threshold, unusual: value > threshold && weight >= rule.minWeight };
    }
    history.push(value);
    if (history.length > rule.window) history.shift();
    return verdict;
  });
}
