/**
 * The time zones a user can pick, in the order a picker offers them: the computer's zone,
 * then `UTC`, then the fixed-offset `Etc/GMT±N` zones, then every named IANA zone.
 *
 * `Intl.supportedValuesOf('timeZone')` is not enough on its own: Chromium (and so Electron)
 * lists only canonical named zones, without `UTC` or any `Etc/*`, so an analyst whose servers
 * log in UTC could not choose it. Etc zones follow the POSIX sign: `Etc/GMT-9` is UTC+9.
 */
export function timeZoneChoices(computerZone: string, named: readonly string[]): string[] {
  const fixedOffsets: string[] = [];
  for (let hours = -14; hours <= 12; hours += 1) {
    if (hours !== 0) fixedOffsets.push(`Etc/GMT${hours > 0 ? '+' : ''}${hours}`);
  }
  return [...new Set([computerZone, 'UTC', ...fixedOffsets, ...named])];
}

/** The choices for this runtime, with `current` (a saved setting) kept even if unusual. */
export function runtimeTimeZoneChoices(current?: string | null): string[] {
  const computer = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const choices = timeZoneChoices(computer, Intl.supportedValuesOf('timeZone'));
  return current && !choices.includes(current) ? [current, ...choices] : choices;
}
