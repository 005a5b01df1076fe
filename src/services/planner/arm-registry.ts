import type { ArmName } from '../../shared/plan';

/** A request an arm turns down, recognised in a step's action text. */
export interface ArmRefusal {
  pattern: RegExp;
  /** Why the arm cannot do it, phrased so a model can fix the step. */
  reason: string;
}

/** What the planner knows about one arm: what it does, what it refuses and what a step costs. */
export interface ArmCapability {
  arm: ArmName;
  description: string;
  capabilities: readonly string[];
  refuses: readonly ArmRefusal[];
  /** True when the arm checks other steps' outputs, so its steps must depend on some step. */
  needsInputs: boolean;
  /** Typical cost of one step, used by the offline planner and shown to the model. */
  typical: { cost_usd: number; seconds: number; tokens: number };
}

// Refusals are deliberately narrow: they catch a step sent to the wrong arm ("executor: run a
// shell command", "retriever: write the function"), not wording the arm would handle anyway.
const WRITES_CODE: ArmRefusal = {
  pattern:
    /\b(write|implement|refactor|generate)\b[^.]{0,40}\b(code|function|class|script|program|module)\b/i,
  reason: 'it does not write code; use the coder arm',
};
const FETCHES: ArmRefusal = {
  pattern: /\b(fetch|download|http get|call the api|get request)\b/i,
  reason: 'it makes no network requests; use the executor arm (HTTP GET on the allowlist)',
};
const SEARCHES: ArmRefusal = {
  pattern: /\bsearch (the |for |through )?(documents|docs|corpus|knowledge base|web|internet)\b/i,
  reason: 'it does not search documents; use the retriever arm',
};
const UNSAFE_TOOLS: ArmRefusal = {
  pattern:
    /\b(shell|bash|terminal|sudo|rm -rf|pip install|npm install|apt-get|exec(ute)? (a |the )?command)\b/i,
  reason: 'no arm runs shell commands or installs software; the executor only has safe tools',
};
const WRITES_FILES: ArmRefusal = {
  pattern:
    /\b(write|save|delete|modify) (it |them |the results? )?(to |on )?(a |the )?(file|disk|database)\b/i,
  reason: 'no arm writes files or databases; return results as step output instead',
};
const MUTATING_HTTP: ArmRefusal = {
  pattern: /\b(POST|PUT|PATCH|DELETE) (request|to https?:)/,
  reason: 'the executor only performs HTTP GET on allowlisted hosts',
};

/**
 * The arms a plan may use, with the limits the validator enforces. Kept here rather than in
 * `src/shared` because only the planner reasons about capabilities; the contract stays the
 * list of names (`ARM_NAMES`).
 */
export const ARM_REGISTRY: Readonly<Record<ArmName, ArmCapability>> = {
  retriever: {
    arm: 'retriever',
    description: 'Searches the document store and returns relevant passages with their sources.',
    capabilities: ['search documents', 'find sources', 'collect facts and references'],
    refuses: [WRITES_CODE, UNSAFE_TOOLS, WRITES_FILES, MUTATING_HTTP],
    needsInputs: false,
    typical: { cost_usd: 0.002, seconds: 10, tokens: 1_500 },
  },
  coder: {
    arm: 'coder',
    description:
      'Writes, explains and reviews code, and drafts structured text (Markdown, JSON, SQL, prose).',
    capabilities: ['write code', 'explain code', 'write tests', 'draft and summarise text'],
    refuses: [FETCHES, SEARCHES, UNSAFE_TOOLS, WRITES_FILES, MUTATING_HTTP],
    needsInputs: false,
    typical: { cost_usd: 0.01, seconds: 30, tokens: 4_000 },
  },
  executor: {
    arm: 'executor',
    description:
      'Runs safe tools only: HTTP GET on an allowlist of hosts, arithmetic, and JSON transforms.',
    capabilities: ['http get (allowlisted hosts)', 'arithmetic', 'json transform'],
    refuses: [WRITES_CODE, SEARCHES, UNSAFE_TOOLS, WRITES_FILES, MUTATING_HTTP],
    needsInputs: false,
    typical: { cost_usd: 0, seconds: 5, tokens: 0 },
  },
  judge: {
    arm: 'judge',
    description: "Checks earlier steps' outputs against acceptance criteria and reports a verdict.",
    capabilities: ['verify outputs against acceptance criteria', 'score and compare answers'],
    refuses: [WRITES_CODE, FETCHES, SEARCHES, UNSAFE_TOOLS, WRITES_FILES, MUTATING_HTTP],
    needsInputs: true,
    typical: { cost_usd: 0.005, seconds: 15, tokens: 2_000 },
  },
  guardian: {
    arm: 'guardian',
    description: "Screens earlier steps' outputs for PII, unsafe content and prompt injection.",
    capabilities: ['safety screening', 'PII detection', 'prompt-injection detection'],
    refuses: [WRITES_CODE, FETCHES, SEARCHES, UNSAFE_TOOLS, WRITES_FILES, MUTATING_HTTP],
    needsInputs: true,
    typical: { cost_usd: 0.001, seconds: 3, tokens: 500 },
  },
  planner: {
    arm: 'planner',
    description: 'Re-plans a sub-goal into its own steps when a part is too large for one step.',
    capabilities: ['decompose a sub-goal', 'outline sections or sub-tasks'],
    refuses: [WRITES_CODE, FETCHES, SEARCHES, UNSAFE_TOOLS, WRITES_FILES, MUTATING_HTTP],
    needsInputs: false,
    typical: { cost_usd: 0.005, seconds: 15, tokens: 2_000 },
  },
};

/**
 * Reasons the arm cannot perform this action; empty when nothing rules it out. Quoted text is
 * ignored: it is the user's subject matter ("gather sources for \"write a parser\""), not an
 * instruction to the arm.
 */
export function armRefusals(arm: ArmName, action: string): string[] {
  const instruction = action.replace(/"[^"]*"|“[^”]*”|«[^»]*»/g, '""');
  return ARM_REGISTRY[arm].refuses.filter((r) => r.pattern.test(instruction)).map((r) => r.reason);
}
