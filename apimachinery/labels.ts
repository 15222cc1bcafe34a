/**
 * Label selectors (`labelSelector=` query parameter) with the grammar, error texts and matching rules of
 * k8s.io/apimachinery `pkg/labels` (`labels.Parse`):
 *
 *   selector    ::= requirement ("," requirement)*
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * Requirements are ANDed; `!=` and `notin` match objects without the label.
 */
import { badRequest } from './errors.js';
import { aggregateMessage, errorString, FieldPath, fieldErr, type FieldError } from './field.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';

/** Operators, spelled as k8s.io/apimachinery `selection.Operator`. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One ANDed term of a selector. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted, without duplicates; empty for `exists` and `!`. */
  values: string[];
}

/** A parsed label selector. */
export interface LabelSelector {
  /** Requirements sorted by key. */
  readonly requirements: readonly LabelRequirement[];
  /** True when the selector does not restrict anything. */
  readonly empty: boolean;
  /** Whether an object's labels satisfy every requirement (absent labels count as an empty map). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** The single value a `k=v`, `k==v` or `k in (v)` requirement on `key` demands, if any. */
  requiresExactMatch(key: string): string | undefined;
  /** Canonical text, as Kubernetes prints a selector. */
  toString(): string;
}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

enum Tok {
  Error,
  End,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const KEYWORDS: ReadonlyMap<string, Tok> = new Map([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

/** Splits the selector into tokens; a NUL character ends the input, as in the Go lexer. */
function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const peek = (): string => (pos < s.length ? s.charAt(pos) : '\0');
  for (;;) {
    while (isWhitespace(peek())) pos++;
    const ch = peek();
    if (ch === '\0') {
      items.push({ tok: Tok.End, lit: '' });
      return items;
    }
    let buf = '';
    if (isSpecial(ch)) {
      let last: Item | undefined;
      while (isSpecial(peek())) {
        const tok = KEYWORDS.get(buf + peek());
        if (tok === undefined && last !== undefined) break;
        buf += peek();
        pos++;
        if (tok !== undefined) last = { tok, lit: buf };
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    while (peek() !== '\0' && !isSpecial(peek()) && !isWhitespace(peek())) buf += s.charAt(pos++);
    items.push({ tok: KEYWORDS.get(buf) ?? Tok.Identifier, lit: buf });
  }
}

class ParseError extends Error {}

/** Builds and validates one requirement (labels.NewRequirement); the key is already validated. */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: FieldError[] = [];
  const valuePath = FieldPath.of('values');
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v) || !inInt64(BigInt(v))) {
        errs.push(fieldErr.invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(fieldErr.invalid(valuePath.index(i).key(key), v, msgs.join('; ')));
  });
  if (errs.length > 0) throw new ParseError(aggregateMessage(errs));
  return { key, operator, values };
}

function inInt64(n: bigint): boolean {
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

function parseInt64(s: string): bigint | undefined {
  return /^[+-]?\d+$/.test(s) && inInt64(BigInt(s)) ? BigInt(s) : undefined;
}

/** Recursive-descent parser over the token list (labels.Parser). */
class Parser {
  private position = 0;

  constructor(private readonly items: readonly Item[]) {}

  /** The current token; `in`/`notin` are identifiers where values are expected. */
  private lookahead(values: boolean): Item {
    const item = this.items[this.position] ?? { tok: Tok.End, lit: '' };
    if (values && (item.tok === Tok.In || item.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: item.lit };
    return item;
  }

  private consume(values: boolean): Item {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === Tok.End) return reqs;
      if (tok !== Tok.Identifier && tok !== Tok.DoesNotExist) {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (e: unknown) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume(true);
      if (next.tok === Tok.End) return reqs;
      if (next.tok !== Tok.Comma) throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
        throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | '' } {
    let operator: LabelOperator | '' = '';
    let item = this.consume(true);
    if (item.tok === Tok.DoesNotExist) {
      operator = '!';
      item = this.consume(true);
    }
    if (item.tok !== Tok.Identifier) throw new ParseError(`found '${item.lit}', expected: identifier`);
    const msgs = isQualifiedName(item.lit);
    if (msgs.length > 0) throw new ParseError(errorString(fieldErr.invalid('<nil>', item.lit, msgs.join('; '))));
    const next = this.lookahead(true).tok;
    if ((next === Tok.End || next === Tok.Comma) && operator !== '!') operator = 'exists';
    return { key: item.lit, operator };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    const ops: Partial<Record<Tok, LabelOperator>> = {
      [Tok.In]: 'in',
      [Tok.Equals]: '=',
      [Tok.DoubleEquals]: '==',
      [Tok.GreaterThan]: 'gt',
      [Tok.LessThan]: 'lt',
      [Tok.NotIn]: 'notin',
      [Tok.NotEquals]: '!=',
    };
    const op = ops[tok];
    if (op === undefined) throw new ParseError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return op;
  }

  /** `(a,b,c)`; empty entries stand for the empty value. */
  private parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === Tok.ClosedPar) {
      this.consume(true);
      return new Set(['']);
    }
    if (tok !== Tok.Identifier && tok !== Tok.Comma) throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    this.consume(true); // the closing parenthesis, guaranteed by parseIdentifiersList
    return values;
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === Tok.Identifier) {
        values.add(lit);
        const next = this.lookahead(true);
        if (next.tok === Tok.ClosedPar) return values;
        if (next.tok !== Tok.Comma) throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        if (values.size === 0) values.add('');
        const next = this.lookahead(true).tok;
        if (next === Tok.ClosedPar) {
          values.add('');
          return values;
        }
        if (next === Tok.Comma) values.add('');
      } else {
        throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(true).tok;
    if (next === Tok.End || next === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume(true);
    if (tok !== Tok.Identifier) throw new ParseError(`found '${lit}', expected: identifier`);
    return new Set([lit]);
  }
}

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && r.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const actual = value === undefined ? undefined : parseInt64(value);
      const bound = r.values.length === 1 ? parseInt64(r.values[0] ?? '') : undefined;
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

function requirementString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.join(',');
  const text = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${text}`;
}

/** A selector over already validated requirements. */
export function labelSelectorOf(requirements: readonly LabelRequirement[]): LabelSelector {
  const reqs = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (labels) => reqs.every((r) => requirementMatches(r, labels ?? {})),
    requiresExactMatch(key) {
      const r = reqs.find((x) => x.key === key);
      if (r === undefined || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
      return r.values[0];
    },
    toString: () => reqs.map(requirementString).join(','),
  };
}

/** The selector that matches everything. */
export const everythingLabels: LabelSelector = labelSelectorOf([]);

/**
 * Parses a `labelSelector` query value. An empty or blank string selects everything.
 * @throws StatusError 400 BadRequest with the Kubernetes parse message, e.g.
 *   `unable to parse requirement: found '', expected: identifier` or `found ',', expected: !, identifier, or 'end of string'`.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return labelSelectorOf(new Parser(lex(s)).parse());
  } catch (e: unknown) {
    if (e instanceof ParseError) throw badRequest(e.message);
    throw e;
  }
}
