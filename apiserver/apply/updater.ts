/**
 * Ownership bookkeeping of one write (sigs.k8s.io/structured-merge-diff `merge.Updater`): who owns
 * what after an Update, and the merged object plus ownership after an Apply, with conflicts.
 *
 * One API version is served per kind, so no conversion happens: every set is taken to be expressed in
 * the served version.
 */
import { isDeepStrictEqual } from 'node:util';
import { FieldSet } from './fieldset.js';
import type { Managed, ManagedSet } from './managed.js';
import { mergeValues, removeItems } from './merge.js';
import type { Path } from './pathelement.js';
import type { TypeNode } from './schema.js';
import { compareValues, ensureNamedFieldsAreMembers, toFieldSet, type Comparison } from './typed.js';

/** One field another manager owns with a different value. */
export interface Conflict {
  /** The {@link managerId} of the owner. */
  readonly managerId: string;
  readonly owner: ManagedSet;
  readonly path: Path;
}

/** Thrown by {@link Updater.apply} when the applied configuration conflicts and force is off. */
export class ConflictsError extends Error {
  override readonly name = 'ConflictsError';

  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} apply conflict(s)`);
  }
}

/** Thrown when the applied configuration is not a valid value of the kind (duplicate or keyless list items). */
export class TypedValueError extends Error {
  override readonly name = 'TypedValueError';

  constructor(readonly errors: readonly string[]) {
    super(errors.length === 1 ? (errors[0] ?? '') : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n'));
  }
}

/** Computes ownership for writes of one kind. */
export class Updater {
  /**
   * @param root the kind's type
   * @param ignored fields nobody owns through this endpoint (upstream's reset fields, e.g. `status`
   *   on the main resource); every path under a member is ignored
   */
  constructor(
    private readonly root: TypeNode,
    private readonly ignored: FieldSet = new FieldSet(),
  ) {}

  private exclude(c: Comparison): Comparison {
    if (this.ignored.empty()) return c;
    return {
      added: c.added.recursiveDifference(this.ignored),
      modified: c.modified.recursiveDifference(this.ignored),
      removed: c.removed.recursiveDifference(this.ignored),
    };
  }

  /**
   * Takes the fields `workflow` changed from the other managers: changed fields move only with
   * `force` (otherwise they are conflicts), removed fields are dropped from everyone.
   */
  private update(oldObj: unknown, newObj: unknown, managers: Managed, workflow: string, force: boolean): { managers: Managed; compare: Comparison } {
    const compare = this.exclude(compareValues(oldObj, newObj, this.root));
    const changed = compare.modified.union(compare.added);
    const conflicts: Conflict[] = [];
    const out: Managed = new Map();
    for (const [id, m] of managers) {
      if (id === workflow) {
        out.set(id, m);
        continue;
      }
      const conflictSet = m.set.intersection(changed);
      for (const path of conflictSet.paths()) conflicts.push({ managerId: id, owner: m, path });
      const set = m.set.difference(conflictSet).difference(compare.removed);
      if (!set.empty()) out.set(id, { ...m, set });
    }
    if (!force && conflicts.length > 0) throw new ConflictsError(conflicts);
    return { managers: out, compare };
  }

  /**
   * Ownership after a non-apply write by `workflow` (a manager id): the other managers lose whatever
   * changed; `set` is what the workflow owns now (its previous set, if in `managers`, plus the fields
   * it added or changed, minus those it removed). The workflow is not in the returned managers.
   */
  updateOp(live: unknown, next: unknown, managers: Managed, workflow: string): { managers: Managed; set: FieldSet } {
    const { managers: out, compare } = this.update(live, next, managers, workflow, true);
    const previous = out.get(workflow)?.set ?? new FieldSet();
    out.delete(workflow);
    const set = previous.union(compare.modified).union(compare.added).difference(compare.removed).recursiveDifference(this.ignored);
    return { managers: out, set };
  }

  /**
   * Merges `config` into `live` for the manager `self` (its id; `entry` is its new entry, whose set is
   * replaced by the applied fields) and computes ownership. Fields the manager applied before and no
   * longer applies are removed unless another manager owns them. `object` is `undefined` when nothing
   * changed. Throws {@link ConflictsError} (unless `force`) and {@link TypedValueError} for an invalid
   * configuration.
   */
  apply(live: unknown, config: unknown, managers: Managed, self: string, entry: ManagedSet, force: boolean): { object: unknown; managers: Managed } {
    const errors: string[] = [];
    const applied = toFieldSet(config, this.root, errors);
    if (errors.length > 0) throw new TypedValueError(errors);
    const merged = mergeValues(live, config, this.root);
    const lastSet = managers.get(self);
    const withNew: Managed = new Map(managers);
    withNew.set(self, { ...entry, set: applied.recursiveDifference(this.ignored) });
    const pruned = this.prune(merged, withNew, lastSet);
    const { managers: out } = this.update(live, pruned, withNew, self, force);
    return { object: isDeepStrictEqual(live, pruned) ? undefined : pruned, managers: out };
  }

  /**
   * Removes what the manager applied last time and omits now, unless some manager (including this one
   * now) owns it; items nobody owned before are kept (upstream's `prune` with its two add-backs).
   */
  private prune(merged: unknown, managers: Managed, lastSet: ManagedSet | undefined): unknown {
    if (lastSet === undefined || lastSet.set.empty()) return merged;
    const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, this.root);
    const last = named(lastSet.set);
    let managed = new FieldSet();
    for (const m of managers.values()) managed = managed.union(m.set);
    const mergedSet = named(toFieldSet(merged, this.root));
    const pruned0 = removeItems(merged, last, this.root);
    const pruned0Set = named(toFieldSet(pruned0, this.root));
    const pruned1 = removeItems(merged, mergedSet.difference(pruned0Set.union(named(managed))), this.root);
    const pruned1Set = named(toFieldSet(pruned1, this.root));
    return removeItems(merged, mergedSet.difference(pruned1Set).intersection(last), this.root);
  }
}
