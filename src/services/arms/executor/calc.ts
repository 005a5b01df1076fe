import { all, create, type MathNode } from 'mathjs';
import { AppError } from '../../../http/app-error';

/** Longest expression `calc` accepts, in characters. */
export const DEFAULT_CALC_MAX_LENGTH = 1_000;

/** What `calc` returns. */
export interface CalcResult {
  tool: 'calc';
  expression: string;
  /** The (last) result, formatted: `14`, `5000 m`, `27.777777777778 m / s`. */
  result: string;
  /** The results of every statement, when the expression has several (`a = 3; a * 2`). */
  results?: string[];
  /** The numeric value of the result, when it is a finite number or a quantity. */
  value?: number;
  /** The unit of `value`, when the result is a quantity. */
  unit?: string;
}

/** Evaluates arithmetic and unit expressions. */
export type Calculator = (expression: string) => CalcResult;

/**
 * Functions an expression may call: arithmetic, rounding, roots, logarithms, trigonometry and
 * statistics over literal lists. Each runs in time bounded by its (short) literal arguments;
 * functions that build large structures (`ones`, `range`, `zeros`), loop over their argument's
 * value (`combinations`, `isPrime`) or parse text (`evaluate`, `parse`) are not on it.
 */
const ALLOWED_FUNCTIONS = new Set(
  (
    'abs add cbrt ceil cube divide exp expm1 fix floor gcd hypot lcm log log10 log1p log2 ' +
    'max mean median min mod multiply nthRoot pow round sign sqrt square subtract sum prod ' +
    'std variance mode factorial gamma sin cos tan sec csc cot asin acos atan atan2 sinh cosh ' +
    'tanh asinh acosh atanh to unaryMinus unaryPlus'
  ).split(' '),
);

/**
 * Node types an expression may contain. Not allowed: function definitions (`f(x) = ...`,
 * which allow unbounded recursion), ranges (`1:1e9`), object and property access, indexing,
 * and string constants.
 */
const ALLOWED_NODES = new Set([
  'ConstantNode',
  'SymbolNode',
  'OperatorNode',
  'ParenthesisNode',
  'FunctionNode',
  'AssignmentNode',
  'BlockNode',
  'ArrayNode',
  'ConditionalNode',
  'RelationalNode',
]);

/** The functions mathjs's security guide says to disable for untrusted input, and kin. */
const DISABLED_FUNCTIONS = [
  'import',
  'createUnit',
  'evaluate',
  'parse',
  'compile',
  'simplify',
  'simplifyConstant',
  'simplifyCore',
  'derivative',
  'resolve',
  'rationalize',
  'parser',
  'reviver',
  'replacer',
];

const invalid = (message: string) => new AppError('VALIDATION_FAILED', `calc: ${message}`);

/**
 * A calculator on a restricted mathjs instance, never JavaScript `eval`. Two layers, so a gap
 * in one is covered by the other: the instance's `import`, `createUnit`, `evaluate`, `parse`,
 * `simplify`, `derivative` and kin are replaced by functions that throw (as mathjs's security
 * guide recommends); and every expression is parsed and checked against an allowlist of node
 * types and functions before it runs, in a fresh scope.
 */
export function createCalculator(options: { maxLength?: number } = {}): Calculator {
  const maxLength = options.maxLength ?? DEFAULT_CALC_MAX_LENGTH;
  const math = create(all!);
  // Captured before the overrides: the checked pipeline below is the only way in.
  const parse = math.parse;
  const format = (value: unknown) => math.format(value, { precision: 14 });
  math.import(
    Object.fromEntries(
      DISABLED_FUNCTIONS.map((name) => [
        name,
        () => {
          throw new Error(`function ${name} is disabled`);
        },
      ]),
    ),
    { override: true },
  );
  const isMathFunction = (name: string) =>
    typeof (math as unknown as Record<string, unknown>)[name] === 'function';

  const check = (root: MathNode) => {
    root.traverse((node, _path, parent) => {
      if (!ALLOWED_NODES.has(node.type)) {
        throw invalid(`${describeNode(node.type)} are not allowed`);
      }
      if (node.type === 'ConstantNode' && typeof (node as { value?: unknown }).value === 'string') {
        throw invalid('text constants are not allowed');
      }
      if (node.type === 'FunctionNode') {
        const fn = (node as unknown as { fn: MathNode & { name?: string } }).fn;
        if (fn.type !== 'SymbolNode' || !fn.name || !ALLOWED_FUNCTIONS.has(fn.name)) {
          throw invalid(`function ${fn.name ?? fn.toString()} is not allowed`);
        }
      }
      if (node.type === 'SymbolNode') {
        const name = (node as { name?: string }).name ?? '';
        const isCallee =
          parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === node;
        // A function used as a value could be passed around and called later.
        if (!isCallee && isMathFunction(name)) {
          throw invalid(`function ${name} cannot be used as a value`);
        }
      }
    });
  };

  return (expression) => {
    const text = expression.trim();
    if (!text) throw invalid('the expression is empty');
    if (text.length > maxLength) {
      throw invalid(`the expression is ${text.length} characters; the limit is ${maxLength}`);
    }
    let root: MathNode;
    try {
      root = parse(text);
    } catch (err) {
      throw invalid(`cannot parse "${text.slice(0, 100)}": ${(err as Error).message}`);
    }
    check(root);
    let raw: unknown;
    try {
      raw = root.compile().evaluate(new Map());
    } catch (err) {
      throw invalid(`cannot evaluate "${text.slice(0, 100)}": ${(err as Error).message}`);
    }
    const entries = isResultSet(raw) ? raw.entries : [raw];
    if (entries.length === 0) throw invalid('the expression has no result');
    const last = entries[entries.length - 1];
    const result = format(last);
    return {
      tool: 'calc',
      expression: text,
      result,
      ...(entries.length > 1 ? { results: entries.map(format) } : {}),
      ...numericValue(last, result),
    };
  };
}

function isResultSet(value: unknown): value is { entries: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'ResultSet' &&
    Array.isArray((value as { entries?: unknown }).entries)
  );
}

/**
 * The number shown in `result`, as a number (so `0.1 + 0.2` is 0.3 in both), and the unit as
 * shown (mathjs simplifies `kg m / s^2` to `N` for display).
 */
function numericValue(value: unknown, shown: string): { value?: number; unit?: string } {
  if (typeof value === 'number') {
    const n = Number(shown);
    return Number.isFinite(n) ? { value: n } : {};
  }
  if ((value as { type?: string } | null)?.type === 'Unit') {
    const parts = /^(\S+)\s+(.+)$/.exec(shown);
    const n = Number(parts?.[1]);
    return parts && Number.isFinite(n) ? { value: n, unit: parts[2] } : {};
  }
  return {};
}

function describeNode(type: string): string {
  const names: Record<string, string> = {
    FunctionAssignmentNode: 'function definitions',
    RangeNode: 'ranges',
    AccessorNode: 'property and index access',
    IndexNode: 'indexes',
    ObjectNode: 'objects',
  };
  return names[type] ?? `${type}s`;
}
