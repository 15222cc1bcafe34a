/**
 * Sets of field paths (sigs.k8s.io/structured-merge-diff `fieldpath.Set`) and their FieldsV1 encoding.
 *
 * A set is a trie: `members` are the elements that end a path in the set, `children` the elements some
 * longer path continues through. A path can be both (a list item that is owned as a whole and whose
 * fields are owned too); FieldsV1 writes that as `{".": {}, ...children}`.
 */
import { compareElements, parseElement, serializeElement, type Path, type PathElement } from './pathelement.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/** FieldsV1 JSON: keys are serialized path elements, values nested objects. */
export type FieldsV1 = Record<string, unknown>;

/** Thrown when FieldsV1 JSON cannot be decoded. */
export class FieldsV1Error extends Error {
  override readonly name = 'FieldsV1Error';
}

/** A set of field paths. Mutated only through {@link FieldSet.insert}; the operations return new sets. */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  /** A set holding `paths`. */
  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path; the empty path (the whole object) is never a member. */
  insert(path: Path): this {
    const [head, ...rest] = path;
    if (head === undefined) return this;
    const key = serializeElement(head);
    if (rest.length === 0) {
      this.members.set(key, head);
      return this;
    }
    let child = this.children.get(key);
    if (child === undefined) {
      child = { pe: head, set: new FieldSet() };
      this.children.set(key, child);
    }
    child.set.insert(rest);
    return this;
  }

  /** Whether `path` is a member. */
  has(path: Path): boolean {
    const [head, ...rest] = path;
    if (head === undefined) return false;
    const key = serializeElement(head);
    if (rest.length === 0) return this.members.has(key);
    return this.children.get(key)?.set.has(rest) ?? false;
  }

  /** Whether `pe` is a member at this level. */
  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  empty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** The paths under `pe`, with `pe` removed from their front (empty when there are none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? EMPTY;
  }

  /** Member elements of this level, sorted. */
  memberElements(): PathElement[] {
    return [...this.members.values()].sort(compareElements);
  }

  /** Child elements of this level with their sets, sorted. */
  childElements(): { pe: PathElement; set: FieldSet }[] {
    return [...this.children.values()].sort((a, b) => compareElements(a.pe, b.pe));
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const [k, pe] of other.members) out.members.set(k, pe);
    for (const [k, c] of other.children) {
      const mine = out.children.get(k);
      out.children.set(k, { pe: c.pe, set: mine === undefined ? c.set : mine.set.union(c.set) });
    }
    return out;
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const theirs = other.children.get(k);
      if (theirs === undefined) continue;
      const both = c.set.intersection(theirs.set);
      if (!both.empty()) out.children.set(k, { pe: c.pe, set: both });
    }
    return out;
  }

  /** Paths of this set that are not in `other` (a member of `other` does not remove longer paths). */
  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false);
  }

  /** Like {@link difference}, but a member of `other` also removes every path it prefixes. */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true);
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (recursive && other.members.has(k)) continue;
      const theirs = other.children.get(k);
      if (theirs === undefined) {
        out.children.set(k, c);
        continue;
      }
      const rest = c.set.subtract(theirs.set, recursive);
      if (!rest.empty()) out.children.set(k, { pe: c.pe, set: rest });
    }
    return out;
  }

  /** Whether both sets hold the same paths. */
  equals(other: FieldSet): boolean {
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) return false;
    for (const k of this.members.keys()) if (!other.members.has(k)) return false;
    for (const [k, c] of this.children) {
      const theirs = other.children.get(k);
      if (theirs === undefined || !c.set.equals(theirs.set)) return false;
    }
    return true;
  }

  /** Every member path, in upstream's order: this level's members, then each child's paths. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.memberElements().map((pe) => [...prefix, pe]);
    for (const { pe, set } of this.childElements()) out.push(...set.paths([...prefix, pe]));
    return out;
  }

  private copy(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, c] of this.children) out.children.set(k, c);
    return out;
  }

  /** The FieldsV1 JSON of this set, keys in upstream's order. */
  toFieldsV1(): FieldsV1 {
    return this.emit(false);
  }

  private emit(isMember: boolean): FieldsV1 {
    const out: FieldsV1 = {};
    if (isMember) out['.'] = {};
    const keys = new Map<string, PathElement>();
    for (const [k, pe] of this.members) keys.set(k, pe);
    for (const [k, c] of this.children) keys.set(k, c.pe);
    const sorted = [...keys].sort((a, b) => compareElements(a[1], b[1]));
    for (const [k] of sorted) {
      const child = this.children.get(k);
      out[k] = child === undefined ? {} : child.set.emit(this.members.has(k));
    }
    return out;
  }

  /**
   * Decodes FieldsV1 JSON. Keys of unknown element types are dropped, as upstream does; anything else
   * that is not a FieldsV1 trie throws {@link FieldsV1Error}.
   */
  static fromFieldsV1(json: unknown): FieldSet {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FieldsV1Error('fieldsV1 must be a JSON object');
    return readLevel(json as Record<string, unknown>).children ?? new FieldSet();
  }
}

const EMPTY = new FieldSet();

function readLevel(obj: Record<string, unknown>): { children: FieldSet | undefined; isMember: boolean } {
  let children: FieldSet | undefined;
  let isMember = false;
  for (const [key, val] of Object.entries(obj)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    let pe: PathElement | undefined;
    try {
      pe = parseElement(key);
    } catch (e: unknown) {
      throw new FieldsV1Error(`parsing key as path element: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (pe === undefined) continue;
    if (typeof val !== 'object' || val === null || Array.isArray(val)) throw new FieldsV1Error(`value of ${JSON.stringify(key)} must be a JSON object`);
    const sub = readLevel(val as Record<string, unknown>);
    children ??= new FieldSet();
    if (sub.isMember) children.insert([pe]);
    if (sub.children !== undefined) {
      for (const p of sub.children.paths()) children.insert([pe, ...p]);
    }
  }
  if (children === undefined) isMember = true;
  return { children, isMember };
}
