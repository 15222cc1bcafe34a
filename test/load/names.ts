/** Names of the InternalSecrets the load script seeds (shared by the script and its flood workers). */

/** InternalSecrets per namespace in the seeded store. */
export const PER_NAMESPACE = 1000;

/** Namespace and name of the `i`-th seeded InternalSecret: a shoot's client CA, 1,000 per project namespace. */
export function secretName(i: number): { namespace: string; name: string } {
  return { namespace: `garden-p${String(Math.floor(i / PER_NAMESPACE)).padStart(3, '0')}`, name: `shoot-${String(i).padStart(6, '0')}.ca-client` };
}
