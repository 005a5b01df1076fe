import { AppError } from '../../../http/app-error';
import type { ArmDescriptor } from '../arm-handler';
import {
  createExecutorTools,
  summariseToolResult,
  type ExecutorSettings,
} from '../executor/executor-tools';
import { runWithLlmChoice } from '../executor/llm-tool-choice';
import { findToolCall, TOOL_NAMES } from '../executor/tool-call';
import { offlineAnswer } from './offline';

/** How a step names a tool without an LLM, for the offline answer. */
const TOOL_FORMS =
  'To run a tool without an LLM, name it in the step: "calc: 5 km to m", ' +
  '"http_get: https://host/path", "json_transform: <JSONata>", or ' +
  '{"tool":"json_transform","expression":"...","input":{...}}.';

/**
 * Carries out procedural steps with a fixed set of safe tools, never anything else:
 * `calc` (arithmetic and units on a restricted mathjs), `http_get` (allowlisted hosts only,
 * with size and time caps) and `json_transform` (JSONata in a capped child process).
 *
 * A step names its tool in one of these forms (see `findToolCall`), and then runs the same
 * with or without an LLM, for free:
 * - `calc: 5 km to m` (a line starting with the tool name and a colon);
 * - `http_get: https://host/path`, or `HTTP GET https://host/path` as the planner writes it;
 * - `json_transform: items[price > 10].name` (applied to the step's inputs);
 * - `{"tool":"json_transform","expression":"...","input":{...}}` or `"input_from":"s1"`.
 *
 * A step naming no tool is given to the model, which picks the tool and its arguments;
 * offline the executor answers that it ran nothing. Refusals that are the step's fault (bad
 * expression, host not allowed, response too large) are 400s; upstream failures that may
 * pass (timeouts, 5xx) are 503s.
 */
export function createExecutorArm(settings: ExecutorSettings = {}): ArmDescriptor {
  const tools = createExecutorTools(settings);
  return {
    name: 'executor',
    capabilities: ['procedure', 'transformation', 'calculation', 'http-fetch'],
    cost_tier: 'low',
    mode: (llm) => (llm ? 'llm' : 'tool'),
    details: { ...tools.describe(), tool_forms: TOOL_FORMS },
    handler: async (request, ctx) => {
      const { llm, signal } = ctx;
      const named = findToolCall(request.step.action);
      if (named?.found === false) {
        throw new AppError('VALIDATION_FAILED', `executor: ${named.problem}`);
      }
      if (named?.found) {
        const result = await tools.run(named.call, request, signal);
        return {
          output: result,
          summary: summariseToolResult(result),
          confidence: 0.9,
          usage: { tokens: 0, cost_usd: 0 },
          mode: 'tool',
        };
      }
      if (llm) return runWithLlmChoice(llm, tools, request, ctx);
      return offlineAnswer(
        'executor',
        request,
        `choose one of its tools (${TOOL_NAMES.join(', ')})`,
        TOOL_FORMS,
      );
    },
  };
}
