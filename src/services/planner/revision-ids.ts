import type { PlanStep } from '../../shared/plan';

/** Longest step id the plan contract allows (`planStepSchema`). */
const MAX_ID_LENGTH = 32;

/** The `-rN` suffix an earlier revision gave an id. */
const REVISION_SUFFIX = /-r\d+$/;

/**
 * The id a step gets in revision `revision`: its id without an earlier `-rN` suffix, plus
 * `-r<revision>` (s3 → s3-r1, s3-r1 → s3-r2), cut to fit 32 characters. An id already in
 * `taken` gets a counter before the suffix (s3-2-r1), so ids stay unique; the new id is added
 * to `taken`. Deterministic: the same ids in the same order give the same result.
 */
export function revisionId(id: string, revision: number, taken: Set<string>): string {
  const base = id.replace(REVISION_SUFFIX, '') || 's';
  const suffix = `-r${revision}`;
  for (let n = 1; ; n++) {
    const counter = n === 1 ? '' : `-${n}`;
    const candidate = `${base.slice(0, MAX_ID_LENGTH - suffix.length - counter.length)}${counter}${suffix}`;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}

/**
 * Gives steps their revision ids and rewrites their dependencies with the same mapping, plus
 * `extra` renames (say, a failed judge to its re-check); ids outside the mapping, such as
 * completed steps, stay as they are. `taken` holds ids the new ones must not reuse.
 */
export function renameSteps(
  steps: readonly PlanStep[],
  revision: number,
  taken: Set<string>,
  extra: ReadonlyMap<string, string> = new Map(),
): { steps: PlanStep[]; ids: Map<string, string> } {
  const ids = new Map(extra);
  for (const step of steps) ids.set(step.id, revisionId(step.id, revision, taken));
  return {
    steps: steps.map((step) => ({
      ...step,
      id: ids.get(step.id) ?? step.id,
      depends_on: remapDeps(step.depends_on, ids),
    })),
    ids,
  };
}

/** Dependencies through a rename map, duplicates dropped, order kept. */
export function remapDeps(deps: readonly string[], ids: ReadonlyMap<string, string>): string[] {
  return [...new Set(deps.map((dep) => ids.get(dep) ?? dep))];
}
