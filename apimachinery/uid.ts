/**
 * UIDs for objects the server derives rather than stores (the namespaces of Projects, the ConfigMaps of
 * a manifest directory): name-based UUIDs (RFC 9562 version 5, SHA-1), so the same object keeps its
 * UID across restarts and replicas. Clients such as gardenctl insist that every UID is a UUID.
 */
import { createHash } from 'node:crypto';

/** The namespace UUID of garden-apiserver's derived objects. */
const NAMESPACE = Buffer.from('6c1a7d3e9b2f4a58a0d4c3e2f1b0a9d8', 'hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID in its canonical text form. */
export function isUUID(s: string): boolean {
  return UUID.test(s);
}

/** The version-5 UUID of `name` (stable: the same name always gives the same UUID). */
export function nameBasedUID(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
