import { AppError } from '../../../http/app-error';
import type { ArmRequest } from '../arm-handler';
import {
  createCalculator,
  DEFAULT_CALC_MAX_LENGTH,
  type CalcResult,
  type Calculator,
} from './calc';
import { createHostAllowlist } from './host-allowlist';
import {
  DEFAULT_HTTP_GET_LIMITS,
  httpGet,
  type HttpGetLimits,
  type HttpGetResult,
} from './http-get';
import {
  DEFAULT_JSON_TRANSFORM_LIMITS,
  jsonTransform,
  type JsonTransformLimits,
  type JsonTransformResult,
} from './json-transform';
import type { ToolCall } from './tool-call';

/** Settings of the executor's tools; the configuration layer passes them in. */
export interface ExecutorSettings {
  /** Hosts `http_get` may reach (see host-allowlist.ts); empty refuses every host. */
  httpAllowlist?: readonly string[];
  http?: Partial<HttpGetLimits>;
  transform?: Partial<JsonTransformLimits>;
  /** Longest `calc` expression, in characters. */
  calcMaxLength?: number;
}

/** The output of one tool run. */
export type ToolResult = CalcResult | HttpGetResult | JsonTransformResult;

/** The executor's tools, with their limits fixed. */
export interface ExecutorTools {
  run(call: ToolCall, request: ArmRequest, signal: AbortSignal): Promise<ToolResult>;
  /** The tools, their limits and the allowed hosts, for `/capabilities`. */
  describe(): Record<string, unknown>;
}

/** One line saying what a tool did, for the step's summary. */
export function summariseToolResult(result: ToolResult): string {
  const cut = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);
  switch (result.tool) {
    case 'calc':
      return `calc: ${cut(result.expression)} = ${result.result}`;
    case 'http_get':
      return `http_get: ${result.status} ${result.content_type ?? 'no content type'}, ${result.bytes} bytes from ${result.final_url}`;
    case 'json_transform':
      return `json_transform: ${cut(result.expression)} → ${cut(JSON.stringify(result.result))}`;
  }
}

/** Builds the tools once per arm: the mathjs instance and the allowlist are reused. */
export function createExecutorTools(settings: ExecutorSettings = {}): ExecutorTools {
  const allowlist = createHostAllowlist(settings.httpAllowlist ?? []);
  const httpLimits = { ...DEFAULT_HTTP_GET_LIMITS, ...settings.http };
  const transformLimits = { ...DEFAULT_JSON_TRANSFORM_LIMITS, ...settings.transform };
  const calcMaxLength = settings.calcMaxLength ?? DEFAULT_CALC_MAX_LENGTH;
  // Built on first use: every arm service builds every descriptor, and only the executor calcs.
  let calculator: Calculator | undefined;
  const calc = (expression: string) =>
    (calculator ??= createCalculator({ maxLength: calcMaxLength }))(expression);

  return {
    async run(call, request, signal) {
      switch (call.tool) {
        case 'calc':
          return calc(call.expression);
        case 'http_get':
          return httpGet(call.url, allowlist, httpLimits, signal);
        case 'json_transform':
          return jsonTransform(
            call.expression,
            transformInput(call, request.inputs),
            transformLimits,
            signal,
          );
      }
    },
    describe: () => ({
      tools: [
        {
          name: 'calc',
          description: 'Arithmetic and unit expressions (mathjs, restricted): "5 km to m"',
          limits: { max_expression_chars: calcMaxLength },
        },
        {
          name: 'http_get',
          description: 'HTTP GET of an allowlisted http(s) URL; returns status, type and text',
          limits: {
            max_bytes: httpLimits.maxBytes,
            timeout_ms: httpLimits.timeoutMs,
            max_text_chars: httpLimits.maxTextChars,
            max_redirects: httpLimits.maxRedirects,
          },
        },
        {
          name: 'json_transform',
          description: "A JSONata expression applied to JSON (inline or an earlier step's output)",
          limits: {
            timeout_ms: transformLimits.timeoutMs,
            max_bytes: transformLimits.maxBytes,
            max_expression_chars: transformLimits.maxExpressionLength,
            memory_mb: transformLimits.memoryMb,
          },
        },
      ],
      http_allowlist: allowlist.entries,
    }),
  };
}

/**
 * The JSON a transform works on: the inline `input`, else the output of the step named by
 * `input_from`, else the only input, else every input keyed by step id. An output that is a
 * JSON string is parsed, so a transform can follow a step that returned JSON as text.
 */
function transformInput(
  call: Extract<ToolCall, { tool: 'json_transform' }>,
  inputs: Record<string, unknown>,
): unknown {
  if (call.input !== undefined) return call.input;
  const ids = Object.keys(inputs);
  if (call.input_from !== undefined) {
    if (!(call.input_from in inputs)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `json_transform: input_from "${call.input_from}" is not an input of this step (inputs: ${ids.join(', ') || 'none'})`,
      );
    }
    return parseIfJson(inputs[call.input_from]);
  }
  if (ids.length === 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'json_transform: no input: give "input" inline or run the step after the step whose output it transforms',
    );
  }
  if (ids.length === 1) return parseIfJson(inputs[ids[0]!]);
  return Object.fromEntries(ids.map((id) => [id, parseIfJson(inputs[id])]));
}

function parseIfJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!/^[[{]/.test(text)) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}
