/**
 * Field selectors (`fieldSelector=` query parameter) with the grammar and error texts of
 * k8s.io/apimachinery `pkg/fields` (`fields.ParseSelector`): comma-separated `field=value`,
 * `field==value` or `field!=value` terms, ANDed. In values, `\\`, `\,` and `\=` escape a backslash,
 * comma or equals sign; the field name is taken literally up to the first operator.
 */
import { badRequest } from './errors.js';

/** One ANDed term; `==` is stored as `=`. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** A parsed field selector. */
export interface FieldSelector {
  /** Terms in the order Kubernetes evaluates them (sorted by their source text). */
  readonly requirements: readonly FieldRequirement[];
  /** True when the selector does not restrict anything. */
  readonly empty: boolean;
  /** Whether the object's field values satisfy every term; a missing field counts as `""`. */
  matches(fields: Readonly<Record<string, string>>): boolean;
  /** The value a `field=value` term demands (first such term), e.g. to turn `metadata.name=x` into a get. */
  exactMatch(field: string): string | undefined;
  /** Canonical text with escaped values. */
  toString(): string;
}

/** Escapes `\`, `,` and `=` in a value (fields.EscapeValue). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Undoes {@link escapeFieldValue} (fields.UnescapeValue).
 * @throws Error `invalid field selector: invalid escape sequence: \x` or
 *   `invalid field selector: unescaped character in value: 61` (Go prints the rune as a number).
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits at commas that are not escaped; the escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector.charAt(i);
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

/** Splits at the first operator: `!=` before `==` before `=` at each position. */
function splitTerm(term: string): { lhs: string; op: (typeof OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** A selector over given requirements, kept in the given order. */
export function fieldSelectorOf(requirements: readonly FieldRequirement[]): FieldSelector {
  const reqs = [...requirements];
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (fields) =>
      reqs.every((r) => {
        const actual = Object.hasOwn(fields, r.field) ? fields[r.field] ?? '' : '';
        return r.operator === '=' ? actual === r.value : actual !== r.value;
      }),
    exactMatch: (field) => reqs.find((r) => r.field === field && r.operator === '=')?.value,
    toString: () => reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}

/** The selector that matches everything. */
export const everythingFields: FieldSelector = fieldSelectorOf([]);

/**
 * Parses a `fieldSelector` query value. An empty string selects everything.
 * @throws StatusError 400 BadRequest: `invalid selector: '<selector>'; can't understand '<term>'`, or an
 *   escape error from {@link unescapeFieldValue}.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const terms = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    let value: string;
    try {
      value = unescapeFieldValue(parts.rhs);
    } catch (e: unknown) {
      throw badRequest(e instanceof Error ? e.message : String(e));
    }
    reqs.push({ field: parts.lhs, operator: parts.op === '!=' ? '!=' : '=', value });
  }
  return fieldSelectorOf(reqs);
}

/**
 * Rejects field labels the resource does not offer, in evaluation order.
 * @throws StatusError 400 BadRequest `field label not supported: <field>`.
 */
export function checkSupported(selector: FieldSelector, supported: ReadonlySet<string>): void {
  for (const r of selector.requirements) {
    if (!supported.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
