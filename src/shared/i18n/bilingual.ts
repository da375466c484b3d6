type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/**
 * One feature's UI text in English and Korean; the Korean must have exactly the English
 * keys (checked here by type and by a unit test over the merged text).
 */
export function bilingual<const T extends object>(en: T, ko: Widen<T>): { en: Widen<T>; ko: Widen<T> } {
  return { en: en as Widen<T>, ko };
}

export type { Widen };

/**
 * Merges features' text two levels deep, so each may add its own `errors.*`. The parts are
 * loosely typed here; `T` (the intersection of the parts' types) is what callers see.
 */
export function mergeMessages<T>(...parts: object[]): T {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) merged[key] = { ...merged[key], ...(value as Record<string, unknown>) };
  }
  return merged as T;
}
