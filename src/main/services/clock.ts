/** Time comes from here, so scheduling and catalogue stamps are testable without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
