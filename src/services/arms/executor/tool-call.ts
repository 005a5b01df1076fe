import { z } from 'zod';

/** The executor's tools; nothing outside this list is ever run. */
export const TOOL_NAMES = ['calc', 'http_get', 'json_transform'] as const;

/** Name of one of the executor's tools. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** A call of one tool with its arguments, as a step or the model names it. */
export const toolCallSchema = z.discriminatedUnion('tool', [
  z.object({
    tool: z.literal('calc'),
    expression: z.string().trim().min(1, 'must be an arithmetic or unit expression'),
  }),
  z.object({
    tool: z.literal('http_get'),
    url: z.string().trim().min(1, 'must be an http(s) URL'),
  }),
  z.object({
    tool: z.literal('json_transform'),
    expression: z.string().trim().min(1, 'must be a JSONata expression'),
    /** The JSON to transform, inline. */
    input: z.unknown().optional(),
    /** Or the id of the earlier step whose output to transform. */
    input_from: z.string().optional(),
  }),
]);

/** A validated tool call. */
export type ToolCall = z.infer<typeof toolCallSchema>;

/** What `findToolCall` makes of a step's action. */
export type FoundToolCall =
  | { found: true; call: ToolCall }
  /** The action names a tool but its call is malformed: the step's fault. */
  | { found: false; problem: string }
  /** The action names no tool. */
  | undefined;

const LINE_FORM = /^[ \t]*(calc|http_get|json_transform)[ \t]*:[ \t]*([\s\S]*)$/im;
const PLANNER_HTTP_GET = /\bHTTP GET\s+(https?:\/\/[^\s"'<>)]+)/i;

/**
 * Finds the tool call a step's action names, so steps run without an LLM. The forms:
 *
 * - `calc: 5 km to m`: a line starting with a tool name and a colon; the rest of the action is
 *   the argument (an expression may span lines). Also `json_transform: <JSONata expression>`,
 *   which transforms the step's inputs, and `http_get: https://host/path` (the first word
 *   after the colon is the URL).
 * - `{"tool":"json_transform","expression":"items.price","input":{...}}`: a JSON object with a
 *   `tool` field, alone or inside the action; `input_from: "<step id>"` picks an input.
 * - `HTTP GET https://host/path ...`: as the offline planner words fetch steps.
 */
export function findToolCall(action: string): FoundToolCall {
  const json = jsonObjectIn(action);
  if (json !== undefined && typeof json === 'object' && json !== null && 'tool' in json) {
    return validate(json);
  }
  const line = LINE_FORM.exec(action);
  if (line) {
    const tool = line[1]!.toLowerCase();
    const argument = line[2]!.trim();
    if (tool === 'http_get') return validate({ tool, url: argument.split(/\s+/)[0] ?? '' });
    return validate({ tool, expression: argument });
  }
  const fetch = PLANNER_HTTP_GET.exec(action);
  if (fetch) return validate({ tool: 'http_get', url: fetch[1]!.replace(/[.,;:]+$/, '') });
  return undefined;
}

function validate(value: unknown): FoundToolCall {
  const parsed = toolCallSchema.safeParse(value);
  if (parsed.success) return { found: true, call: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'tool'}: ${i.message}`);
  return { found: false, problem: `malformed tool call: ${problems.join('; ')}` };
}

/** The JSON object the action is, or the first one it contains. */
function jsonObjectIn(action: string): unknown {
  const start = action.indexOf('{');
  const end = action.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(action.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}
