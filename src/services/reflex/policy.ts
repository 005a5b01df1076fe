import { PII_TYPES, type PiiType } from './pii/pii-types';

/** What to do with a finding: end the request, mask it, or let it through. */
export type PolicyAction = 'block' | 'redact' | 'allow';

/** The policy for one direction. */
export interface DirectionPolicy {
  /** Injection at or above the threshold; `redact` removes the matched spans. */
  injection: PolicyAction;
  /** Per PII type. */
  pii: Record<PiiType, PolicyAction>;
}

/** The whole screening policy. */
export interface ReflexPolicy {
  input: DirectionPolicy;
  output: DirectionPolicy;
  /** Injection score at which the injection action applies. */
  injectionThreshold: number;
  /** PII spans scoring below this are reported by no one and acted on by no one. */
  piiMinScore: number;
}

/** A policy override: any subset, at any depth. */
export type ReflexPolicyOverrides = {
  input?: { injection?: PolicyAction; pii?: Partial<Record<PiiType, PolicyAction>> };
  output?: { injection?: PolicyAction; pii?: Partial<Record<PiiType, PolicyAction>> };
  injectionThreshold?: number;
  piiMinScore?: number;
};

const all = (action: PolicyAction) =>
  Object.fromEntries(PII_TYPES.map((t) => [t, action])) as Record<PiiType, PolicyAction>;

/**
 * Defaults from the issue: input injection blocks, input PII blocks, output PII is redacted,
 * output injection (indirect injection in a step output or retrieved text) blocks.
 * One deliberate exception: person names and street addresses are found heuristically, and
 * blocking every task that names a person ("summarise Marie Curie's work") would make the
 * system unusable, so on input they are redacted rather than blocked.
 */
export const DEFAULT_POLICY: ReflexPolicy = {
  input: {
    injection: 'block',
    pii: { ...all('block'), PERSON: 'redact', STREET_ADDRESS: 'redact' },
  },
  output: { injection: 'block', pii: all('redact') },
  injectionThreshold: 0.5,
  piiMinScore: 0.5,
};

/** Merges overrides into the defaults (or into `base`). */
export function resolvePolicy(
  overrides: ReflexPolicyOverrides = {},
  base: ReflexPolicy = DEFAULT_POLICY,
): ReflexPolicy {
  return {
    input: {
      injection: overrides.input?.injection ?? base.input.injection,
      pii: { ...base.input.pii, ...overrides.input?.pii },
    },
    output: {
      injection: overrides.output?.injection ?? base.output.injection,
      pii: { ...base.output.pii, ...overrides.output?.pii },
    },
    injectionThreshold: overrides.injectionThreshold ?? base.injectionThreshold,
    piiMinScore: overrides.piiMinScore ?? base.piiMinScore,
  };
}
