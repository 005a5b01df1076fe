import type { ArmInstance } from '../config/arms';
import { primaryInstance } from '../config/arms';
import type { ArmName } from '../shared/plan';

/** Where one attempt of a step goes. */
export interface ArmTarget {
  name: string;
  url: string;
}

/** Health as the router needs it; the worker's ArmHealthMonitor provides it. */
export interface ArmHealthSource {
  isHealthy(name: string): boolean;
  markUnhealthy(name: string, error: string): void;
}

/** Chooses the arm instance for each attempt of a step. */
export interface ArmRouter {
  /** The first healthy instance of the arm's chain (primary, its fallback, …); else the primary. */
  route(arm: ArmName): ArmTarget;
  /** Records that a call to an instance failed to connect. */
  reportFailure(name: string, error: string): void;
}

/**
 * Routes by health: a step goes to its arm's primary instance, to the fallback while the
 * primary is down, and back to the primary when it recovers. When nothing in the chain is
 * healthy it still tries the primary, and Temporal's retry policy waits and tries again.
 */
export function createArmRouter(
  registry: readonly ArmInstance[],
  health: ArmHealthSource,
): ArmRouter {
  const byName = new Map(registry.map((a) => [a.name, a]));
  const chainOf = (arm: ArmName): ArmInstance[] => {
    const chain: ArmInstance[] = [];
    for (
      let a: ArmInstance | undefined = primaryInstance(registry, arm);
      a && !chain.includes(a);
    ) {
      chain.push(a);
      a = a.fallback ? byName.get(a.fallback) : undefined;
    }
    return chain;
  };
  return {
    route(arm) {
      const chain = chainOf(arm);
      const target = chain.find((a) => health.isHealthy(a.name)) ?? chain[0]!;
      return { name: target.name, url: target.url };
    },
    reportFailure: (name, error) => health.markUnhealthy(name, error),
  };
}

/** A router that always answers the given URLs (no registry, no health checks). */
export function staticArmRouter(urls: Record<ArmName, string>): ArmRouter {
  return { route: (arm) => ({ name: arm, url: urls[arm] }), reportFailure: () => undefined };
}
