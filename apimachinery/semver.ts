/**
 * Semantic versions as Gardener compares Kubernetes versions (Masterminds/semver v3 in its default, lenient
 * mode): `v1.33`, `1.33.0-rc.1+build` parse, missing parts count as 0, and constraints such as
 * `>= 1.34-0` or `>= 1.29, < 1.32` are checked with its prerelease rule: a prerelease version only meets
 * a constraint group that names a prerelease itself. Error texts are the library's.
 */

/** A parsed version. Segments are JS numbers (versions beyond 2^53 are refused as out of range). */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Prerelease without the dash, `""` when none. */
  readonly pre: string;
  /** Build metadata without the plus, `""` when none. */
  readonly metadata: string;
}

/** A version or constraint that does not parse; `message` is the library's error text. */
export class SemVerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SemVerError';
  }
}

const LOOSE = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const NUMERIC = /^[0-9]+$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

function segment(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const digits = text.replace(/^\./, '');
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) {
    throw new SemVerError(`error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(digits)}: value out of range`);
  }
  return n;
}

function checkPrerelease(pre: string): void {
  for (const part of pre.split('.')) {
    if (part === '' || !IDENTIFIER.test(part)) throw new SemVerError('invalid prerelease string');
    if (NUMERIC.test(part) && part.length > 1 && part.startsWith('0')) throw new SemVerError('version segment starts with 0');
  }
}

/** Parses a version leniently. @throws SemVerError */
export function parseSemVer(text: string): SemVer {
  const m = LOOSE.exec(text);
  if (m === null) throw new SemVerError('invalid semantic version');
  const pre = m[4] ?? '';
  const metadata = m[5] ?? '';
  const v: SemVer = { major: segment(m[1]), minor: segment(m[2]), patch: segment(m[3]), pre, metadata };
  if (pre !== '') checkPrerelease(pre);
  if (metadata !== '' && metadata.split('.').some((p) => p === '')) throw new SemVerError('invalid metadata string');
  return v;
}

/** The version if it parses, else undefined. */
export function trySemVer(text: string): SemVer | undefined {
  try {
    return parseSemVer(text);
  } catch (e: unknown) {
    if (e instanceof SemVerError) return undefined;
    throw e;
  }
}

/** `major.minor.patch[-pre][+metadata]`. */
export function semVerString(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre === '' ? '' : `-${v.pre}`}${v.metadata === '' ? '' : `+${v.metadata}`}`;
}

/** The next minor version: patch 0, prerelease and metadata dropped. */
export function incMinor(v: SemVer): SemVer {
  return { major: v.major, minor: v.minor + 1, patch: 0, pre: '', metadata: '' };
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return 1;
  const sNum = NUMERIC.test(s);
  const oNum = NUMERIC.test(o);
  if (sNum && oNum) return Number(s) > Number(o) ? 1 : -1;
  if (oNum) return 1;
  if (sNum) return -1;
  return s > o ? 1 : -1;
}

function comparePrerelease(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = comparePrePart(as[i] ?? '', bs[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** -1, 0 or 1; metadata is ignored, a prerelease sorts before its release. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return comparePrerelease(a.pre, b.pre);
}

type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=';

interface Constraint {
  op: Operator;
  version: SemVer;
  minorDirty: boolean;
  patchDirty: boolean;
}

const CONSTRAINT = /^\s*(=|!=|>=|=>|<=|=<|>|<)?\s*v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\s*$/;
const isX = (s: string): boolean => s === 'x' || s === 'X' || s === '*';

function parseOne(text: string, whole: string): Constraint {
  const m = CONSTRAINT.exec(text);
  if (m === null) throw new SemVerError(`improper constraint: ${JSON.stringify(whole)}`);
  const raw = m[1] ?? '=';
  const op = (raw === '=>' ? '>=' : raw === '=<' ? '<=' : raw) as Operator;
  const [, , major = '', minor = '', patch = '', pre = ''] = m;
  let minorDirty = false;
  let patchDirty = false;
  let version: string;
  if (isX(major)) version = `0.0.0${pre}`;
  else if (minor === '' || isX(minor.slice(1))) {
    minorDirty = true;
    version = `${major}.0.0${pre}`;
  } else if (patch === '' || isX(patch.slice(1))) {
    patchDirty = true;
    version = `${major}${minor}.0${pre}`;
  } else version = `${major}${minor}${patch}${pre}`;
  try {
    return { op, version: parseSemVer(version), minorDirty, patchDirty };
  } catch (e: unknown) {
    if (e instanceof SemVerError) throw new SemVerError(`improper constraint: ${JSON.stringify(whole)}`);
    throw e;
  }
}

/** An AND group of comparisons, e.g. `>= 1.29, < 1.32`; `*` or `""` matches everything. */
export class SemVerConstraint {
  private readonly parts: Constraint[];
  private readonly withPrereleases: boolean;

  /** @throws SemVerError for a malformed constraint */
  constructor(text: string) {
    const trimmed = text.trim();
    this.parts = trimmed === '' || trimmed === '*' ? [] : trimmed.split(',').map((p) => parseOne(p, text));
    this.withPrereleases = this.parts.some((p) => p.version.pre !== '');
  }

  /** Whether `v` meets every comparison. */
  check(v: SemVer): boolean {
    if (v.pre !== '' && !this.withPrereleases && this.parts.length > 0) return false;
    return this.parts.every((c) => meets(v, c));
  }

  /** Whether `text` parses and meets the constraint (false when it does not parse). */
  checkVersion(text: string): boolean {
    const v = trySemVer(text);
    return v !== undefined && this.check(v);
  }
}

function meets(v: SemVer, c: Constraint): boolean {
  const d = compareSemVer(v, c.version);
  const dirty = c.minorDirty || c.patchDirty;
  switch (c.op) {
    case '<':
      return d < 0;
    case '>=':
      return d >= 0;
    case '=':
      return dirty ? v.major === c.version.major && (c.minorDirty || v.minor === c.version.minor) : d === 0;
    case '!=':
      return dirty ? !(v.major === c.version.major && (c.minorDirty || v.minor === c.version.minor)) : d !== 0;
    case '>':
      if (!dirty) return d > 0;
      if (v.major !== c.version.major) return v.major > c.version.major;
      return c.patchDirty && v.minor > c.version.minor;
    case '<=':
      if (!dirty) return d <= 0;
      if (v.major !== c.version.major) return v.major < c.version.major;
      return c.minorDirty || v.minor <= c.version.minor;
  }
}

/** Gardener's version normalization: every `v` removed, everything from the first `-`, `+` or `~` cut. */
export function normalizeVersion(version: string): string {
  const v = version.replaceAll('v', '');
  const cut = v.search(/[-+~]/);
  return cut === -1 ? v : v.slice(0, cut);
}

/**
 * Gardener's CompareVersions: `a <op> b` on the normalized versions.
 * @throws SemVerError when a version or the resulting constraint does not parse
 */
export function compareVersions(a: string, op: '<' | '<=' | '>' | '>=' | '=', b: string): boolean {
  const constraint = new SemVerConstraint(`${op} ${normalizeVersion(b)}`);
  return constraint.check(parseSemVer(normalizeVersion(a)));
}

/** Kubernetes version thresholds Gardener's rules switch on (prereleases of that minor included). */
const k8sAtLeast = new Map<number, SemVerConstraint>();
const k8sBelow = new Map<number, SemVerConstraint>();

/** Whether `version` parses and is Kubernetes 1.`minor` or later (prereleases included). */
export function k8sAtLeastMinor(version: string, minor: number): boolean {
  let c = k8sAtLeast.get(minor);
  if (c === undefined) k8sAtLeast.set(minor, (c = new SemVerConstraint(`>= 1.${minor}-0`)));
  return c.checkVersion(version);
}

/** Whether `version` parses and is below Kubernetes 1.`minor`. */
export function k8sBelowMinor(version: string, minor: number): boolean {
  let c = k8sBelow.get(minor);
  if (c === undefined) k8sBelow.set(minor, (c = new SemVerConstraint(`< 1.${minor}-0`)));
  return c.checkVersion(version);
}

/** A version range `[added, removed)`; either end may be open. */
export interface VersionRange {
  added?: string;
  removed?: string;
}

/** Whether the normalized `version` lies in the range. @throws SemVerError when it does not parse */
export function rangeContains(range: VersionRange, version: string): boolean {
  const parts: string[] = [];
  if (range.added !== undefined) parts.push(`>= ${range.added}`);
  if (range.removed !== undefined) parts.push(`< ${range.removed}`);
  return new SemVerConstraint(parts.join(', ')).check(parseSemVer(normalizeVersion(version)));
}
