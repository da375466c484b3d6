import { InvalidArgumentError } from 'commander';

/** Argument parsers: a bad value is a usage error (exit 2), reported by commander. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function parseShare(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.05');
  return n;
}

/** A usage error found after parsing (options that do not go together): exit 2 with the reason. */
export class UsageError extends Error {
  override name = 'UsageError';
}
