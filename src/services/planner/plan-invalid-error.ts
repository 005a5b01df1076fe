/**
 * Thrown when no valid plan could be produced: the model kept answering with invalid plans
 * (after the allowed repairs), or the offline planner has no valid shape for the arms on offer.
 * Permanent: asking again with the same request gives the same result.
 */
export class PlanInvalidError extends Error {
  override name = 'PlanInvalidError';

  constructor(
    /** What was wrong with the last plan, one problem per entry. */
    readonly problems: readonly string[],
    /** How many plans were produced and rejected. */
    readonly attempts: number,
  ) {
    super(
      `No valid plan after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${problems.join('; ')}`,
    );
  }
}
