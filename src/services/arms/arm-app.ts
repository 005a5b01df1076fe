import type { Logger } from 'pino';
import { armExecuteRequestSchema } from '../../shared/arm';
import { AppError } from '../../http/app-error';
import { createHttpApp, type HttpApp } from '../../http/create-http-app';
import { abortOnClose } from '../../http/abort-on-close';
import { parseOrThrow } from '../../http/validate';
import { minus } from '../../shared/model-cost';
import { remainingGrant } from '../common/grant';
import type { Llm } from '../common/llm-client';
import { meterLlmUsage } from '../common/llm-usage-metrics';
import { armMode, type ArmDescriptor } from './arm-handler';

/** Options for one arm's HTTP service. */
export interface ArmAppOptions {
  arm: ArmDescriptor;
  logger: Logger;
  llm?: Llm;
}

/**
 * An arm as an HTTP service: `POST /execute` runs one step, `GET /capabilities` says what
 * the arm can do. A client that disconnects aborts the work in flight (an LLM call stops
 * billing when the task that wanted it is cancelled).
 */
export function createArmApp({ arm, logger, llm: configured }: ArmAppOptions): HttpApp {
  const mode = armMode(arm, configured);
  const http = createHttpApp({
    name: `arm-${arm.name}`,
    logger: logger.child({ service: `arm-${arm.name}` }),
    bodyLimit: '8mb',
    health: () => ({ arm: arm.name, mode }),
    ready: arm.ready,
  });
  const llm = meterLlmUsage(configured, http.registry);
  http.app.get('/capabilities', (_req, res) => {
    res.json({
      arm: arm.name,
      capabilities: arm.capabilities,
      cost_tier: arm.cost_tier,
      mode,
      llm: llm ? llm.model : null,
      ...arm.details,
    });
  });
  http.app.post('/execute', async (req, res) => {
    const body = parseOrThrow(armExecuteRequestSchema, req.body);
    const signal = abortOnClose(res);
    const granted = remainingGrant(body.budget_left);
    const grant = { ...granted };
    try {
      res.json(await arm.handler(body, { llm, signal, grant }));
    } catch (err) {
      // A refusal after earlier model calls of this request (the executor's repair) says what
      // those calls spent, so the task's ledger still counts them.
      if (err instanceof AppError && err.code === 'BUDGET_INSUFFICIENT') {
        const spent = minus(granted, grant);
        throw new AppError(err.code, err.message, err.details, { ...err.extra, spent });
      }
      throw err;
    }
  });
  http.finish();
  return http;
}
