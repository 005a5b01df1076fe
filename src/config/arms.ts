import fs from 'node:fs';
import { z } from 'zod';
import { ARM_NAMES, type ArmName } from '../shared/plan';

/** One arm instance the worker may send steps to. */
export const armInstanceSchema = z
  .object({
    /** Unique instance name, e.g. `coder` or `coder-backup`. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and -'),
    /** Which plan arm it serves (steps name arms, not instances). */
    arm: z.enum(ARM_NAMES),
    url: z.url(),
    capabilities: z.array(z.string()).default([]),
    /** Limit of one attempt of a step on this arm. */
    timeout_seconds: z.number().int().positive().max(3_600).default(300),
    /** Attempts before the step fails (Temporal's retry policy). */
    max_attempts: z.number().int().positive().max(100).default(5),
    /** Steps of one task that may run on this arm at once. */
    concurrency: z.number().int().positive().max(64).default(2),
    /** Instance to use while this one is unhealthy. */
    fallback: z.string().optional(),
  })
  .strict();

/** An arm instance, defaults applied. */
export type ArmInstance = z.infer<typeof armInstanceSchema>;

/** Per-arm timeouts the workflow applies to step activities. */
export interface ArmActivityLimits {
  timeoutSeconds: number;
  maxAttempts: number;
  concurrency: number;
}

const DEFAULT_TIMEOUTS: Record<ArmName, number> = {
  retriever: 30,
  coder: 300,
  executor: 60,
  judge: 120,
  guardian: 30,
  planner: 300,
};

const DEFAULT_CAPABILITIES: Record<ArmName, string[]> = {
  retriever: ['search', 'retrieval'],
  coder: ['code-generation', 'code-review', 'writing'],
  executor: ['http-get', 'calculation', 'json-transform'],
  judge: ['verification', 'acceptance-check'],
  guardian: ['safety-check'],
  planner: ['planning', 're-planning'],
};

/**
 * The arm registry: one instance per arm at its configured URL unless `ARMS_CONFIG` (a JSON
 * file path, or the JSON itself) declares instances, their timeouts, concurrency and fallbacks.
 */
export function loadArmRegistry(
  raw: string | undefined,
  defaultUrls: Record<ArmName, string>,
): ArmInstance[] {
  const defaults = ARM_NAMES.map((arm) =>
    armInstanceSchema.parse({
      name: arm,
      arm,
      url: defaultUrls[arm],
      capabilities: DEFAULT_CAPABILITIES[arm],
      timeout_seconds: DEFAULT_TIMEOUTS[arm],
    }),
  );
  if (!raw) return defaults;
  const text = raw.trim().startsWith('[') ? raw : fs.readFileSync(raw, 'utf8');
  const declared = z.array(armInstanceSchema).parse(JSON.parse(text));
  // Declared instances replace the default of the same name; other defaults stay.
  const names = new Set(declared.map((a) => a.name));
  const registry = [...declared, ...defaults.filter((d) => !names.has(d.name))];
  const seen = new Set<string>();
  for (const instance of declared) {
    if (seen.has(instance.name)) throw new Error(`arm ${instance.name}: declared twice`);
    seen.add(instance.name);
  }
  for (const instance of registry) {
    if (
      (ARM_NAMES as readonly string[]).includes(instance.name) &&
      instance.name !== instance.arm
    ) {
      throw new Error(
        `arm ${instance.name}: an instance named after an arm must serve it (arm is "${instance.arm}")`,
      );
    }
    if (!instance.fallback) continue;
    const fallback = registry.find((a) => a.name === instance.fallback);
    if (!fallback) {
      throw new Error(`arm ${instance.name}: fallback "${instance.fallback}" is not declared`);
    }
    if (fallback.arm !== instance.arm) {
      throw new Error(
        `arm ${instance.name}: fallback "${fallback.name}" serves ${fallback.arm}, not ${instance.arm}`,
      );
    }
  }
  return registry;
}

/** The instance that serves an arm first: the one named after it, else the first declared. */
export function primaryInstance(registry: readonly ArmInstance[], arm: ArmName): ArmInstance {
  return (registry.find((a) => a.name === arm) ?? registry.find((a) => a.arm === arm))!;
}

/** Per-arm activity limits, from each arm's primary instance. */
export function armActivityLimits(
  registry: readonly ArmInstance[],
): Record<ArmName, ArmActivityLimits> {
  return Object.fromEntries(
    ARM_NAMES.map((arm) => {
      const a = primaryInstance(registry, arm);
      return [
        arm,
        {
          timeoutSeconds: a.timeout_seconds,
          maxAttempts: a.max_attempts,
          concurrency: a.concurrency,
        },
      ];
    }),
  ) as Record<ArmName, ArmActivityLimits>;
}
