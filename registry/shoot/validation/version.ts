/**
 * The Kubernetes version comparisons some rules depend on (Gardener's version constraints): a version
 * that does not parse satisfies no constraint, as with Masterminds' `CheckVersion`.
 */

/** `[major, minor]` of `v1.33.2`, `1.33`, ...; undefined when it does not parse. */
export function majorMinor(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(version.trim());
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2])];
}

/** Whether `version` is below `major.minor` (false when unparsable). */
export function versionLessThan(version: string, major: number, minor: number): boolean {
  const v = majorMinor(version);
  if (v === undefined) return false;
  return v[0] < major || (v[0] === major && v[1] < minor);
}
