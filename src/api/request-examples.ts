// Request bodies that work as they are against a running stack: the examples /docs offers for
// "Try it out", the README's task, and what the benchmarks and the chaos suite submit.

/** The README's example task: five steps on four arms (offline). */
export const README_TASK = {
  goal: 'Research the trade-offs of event sourcing and write a short summary',
  constraints: ['cite sources'],
  context: { audience: 'backend engineers' },
  acceptance_criteria: ['summary is non-empty'],
  priority: 'high',
  budget: { max_cost_usd: 0.5, max_time_seconds: 120, max_tokens: 20000 },
};

/** `POST /tasks/{id}/approve` and `/reject`. */
export const DECISION_EXAMPLE = { comment: 'The plan covers the criteria' };

/** `POST /tasks/{id}/budget`. */
export const BUDGET_EXTENSION_EXAMPLE = { add_usd: 0.5, add_tokens: 10000, add_seconds: 60 };

/** `POST /documents`. */
export const DOCUMENT_EXAMPLE = {
  title: 'Event sourcing in brief',
  source: 'https://martinfowler.com/eaaDev/EventSourcing.html',
  content:
    'Event sourcing stores every change to application state as an event in an append-only ' +
    'log. The current state is rebuilt by replaying the events, which gives a full audit trail ' +
    'and temporal queries, at the cost of more complex reads and schema evolution of events.',
  metadata: { topic: 'architecture' },
};
