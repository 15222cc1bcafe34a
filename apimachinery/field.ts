/**
 * Field errors: what validation returns, with a path and a type, turned into `details.causes` and the
 * aggregated message of a 422 Invalid Status the way Kubernetes formats them.
 */
import { goQuote } from './goquote.js';

/** The kinds of field error, with the text Kubernetes prints for each. */
export const FieldErrorTypes = {
  Required: { text: 'Required value', reason: 'FieldValueRequired', showValue: false },
  Invalid: { text: 'Invalid value', reason: 'FieldValueInvalid', showValue: true },
  TypeInvalid: { text: 'Invalid value', reason: 'FieldValueTypeInvalid', showValue: true },
  Duplicate: { text: 'Duplicate value', reason: 'FieldValueDuplicate', showValue: true },
  NotSupported: { text: 'Unsupported value', reason: 'FieldValueNotSupported', showValue: true },
  NotFound: { text: 'Not found', reason: 'FieldValueNotFound', showValue: true },
  Forbidden: { text: 'Forbidden', reason: 'FieldValueForbidden', showValue: false },
  TooLong: { text: 'Too long', reason: 'FieldValueTooLong', showValue: false },
  TooMany: { text: 'Too many', reason: 'FieldValueTooMany', showValue: true },
  Internal: { text: 'Internal error', reason: 'InternalError', showValue: false },
} as const;

export type FieldErrorType = keyof typeof FieldErrorTypes;

/**
 * A bad value Go prints through its String method (durations, quantities, IPs): shown as its text,
 * without quotes.
 */
export class Printed {
  constructor(readonly text: string) {}

  toJSON(): string {
    return this.text;
  }
}

/** Marker for "do not print the value" (Kubernetes' omitValue). */
export const OMIT_VALUE = Symbol('omitValue');

/** One validation failure at one field path. */
export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indices, e.g. `data[ca.crt]` or `spec.resources[0]`. */
  field: string;
  badValue?: unknown;
  detail?: string;
}

/** A field path under construction: `root.child('spec').child('x').index(0).key('k')`. */
export class FieldPath {
  private constructor(private readonly text: string) {}

  /** A root path segment (or several joined with dots). */
  static of(...names: string[]): FieldPath {
    return new FieldPath(names.join('.'));
  }

  child(...names: string[]): FieldPath {
    const tail = names.join('.');
    return new FieldPath(this.text === '' ? tail : `${this.text}.${tail}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

type Path = FieldPath | string;

function make(type: FieldErrorType, path: Path, badValue: unknown, detail?: string): FieldError {
  const e: FieldError = { type, field: path.toString(), badValue };
  if (detail !== undefined && detail !== '') e.detail = detail;
  return e;
}

export const fieldErr = {
  required: (path: Path, detail?: string) => make('Required', path, '', detail),
  invalid: (path: Path, value: unknown, detail?: string) => make('Invalid', path, value, detail),
  duplicate: (path: Path, value: unknown) => make('Duplicate', path, value),
  forbidden: (path: Path, detail?: string) => make('Forbidden', path, '', detail),
  tooLong: (path: Path, value: unknown, max: number) =>
    make('TooLong', path, value, max >= 0 ? `may not be more than ${max} bytes` : 'value is too long'),
  tooMany: (path: Path, actual: number, max: number) =>
    make('TooMany', path, actual, `must have at most ${max} items`),
  notSupported: (path: Path, value: unknown, supported: readonly string[]) =>
    make('NotSupported', path, value, supported.length > 0 ? `supported values: ${supported.map(quote).join(', ')}` : undefined),
  notFound: (path: Path, value: unknown) => make('NotFound', path, value),
  internal: (path: Path, detail: string) => make('Internal', path, '', detail),
};

/** strconv.Quote, as NotSupported lists the supported values. */
function quote(s: string): string {
  return goQuote(s);
}

/**
 * A bad value as field.Error prints it (apimachinery 0.34+, which gardener-apiserver links): strings
 * with Go's `%q`, simple types as they are, anything else as its JSON (a nil value `null`).
 */
function formatValue(v: unknown): string {
  if (v === OMIT_VALUE) return '';
  if (v instanceof Printed) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The part after the path: `Invalid value: "x": detail`. */
export function errorBody(e: FieldError): string {
  const t = FieldErrorTypes[e.type];
  let s: string = t.text;
  if (t.showValue && e.badValue !== OMIT_VALUE) s = `${t.text}: ${formatValue(e.badValue)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `path: body`, as Kubernetes prints one field error. */
export function errorString(e: FieldError): string {
  return e.field === '' ? errorBody(e) : `${e.field}: ${errorBody(e)}`;
}

/** The aggregate message: a single error alone, several in brackets, duplicates once. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(errorString))];
  if (msgs.length === 1) return msgs[0] ?? '';
  return `[${msgs.join(', ')}]`;
}
