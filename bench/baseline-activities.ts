/** The baseline's only activity: returns at once, so all that is measured is Temporal. */
export function createBaselineActivities() {
  return {
    async noop(): Promise<number> {
      return 1;
    },
  };
}
