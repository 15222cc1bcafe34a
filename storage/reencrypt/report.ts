/**
 * Human-readable progress lines for the log and `/readyz?verbose`: key names only, never secrets nor
 * anything computed from them.
 */
import { targetLabel } from './stale.js';
import type { ReencryptionProgress, ReencryptionStatus } from './types.js';

/**
 * One line per resource, e.g.
 * `internalsecrets.core.gardener.cloud: running toward aescbc:key2, 500/1000 examined, 480 rewritten`.
 */
export function describeProgress(p: ReencryptionProgress): string {
  const examined = p.total === undefined ? `${p.done} examined` : `${p.done}/${p.total} examined`;
  let line = `${p.resource}: ${p.state} toward ${targetLabel(p.target)}, ${examined}, ${p.rewritten} rewritten`;
  if (p.unreadable > 0) line += `, ${p.unreadable} unreadable`;
  if (p.error !== undefined) line += ` (${p.error})`;
  return line;
}

/** Every resource's line, joined with `; `. */
export function describeStatus(status: ReencryptionStatus): string {
  return status.resources.map(describeProgress).join('; ');
}
