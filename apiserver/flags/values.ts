/**
 * Parsers of flag values as Kubernetes' flag library reads them (ports, Go booleans and durations,
 * comma-separated lists, non-negative and positive integers); they throw commander's
 * InvalidArgumentError, which ends start-up with the flag's name and the message.
 */
import { InvalidArgumentError } from 'commander';
import { durationMs } from '../../apimachinery/duration.js';

/** A Go duration (`5m`, `1h30m`, `672h0m0s`, `0`) in milliseconds; negative durations are refused. */
export function duration(value: string): number {
  let ms: number;
  try {
    ms = durationMs(value);
  } catch (e: unknown) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
  if (ms < 0) throw new InvalidArgumentError(`invalid duration ${JSON.stringify(value)}: must not be negative`);
  return ms;
}

/** A TCP port, 0 to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number between 0 and 65535');
  return n;
}

/** A boolean flag: given alone or `=true` it is true, `=false` false. */
export function boolFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

/** An integer of at least 1. */
export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** A comma-separated list, blanks trimmed and empty entries dropped. */
export function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** An integer of at least 0. */
export function level(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/**
 * The log level of `-v`/`--v`. commander hands a short flag written `-v=2` (which Kubernetes' flag
 * library accepts, like `-v 2` and `-v2`) over as `=2`; the `=` is dropped here.
 */
export function verbosity(value: string): number {
  return level(value.startsWith('=') ? value.slice(1) : value);
}

/** A Go int flag: any integer, the sign included (validation decides what is allowed). */
export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`invalid syntax: ${JSON.stringify(value)}`);
  return n;
}

/** A Go float32 flag. */
export function float(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`invalid syntax: ${JSON.stringify(value)}`);
  return n;
}
