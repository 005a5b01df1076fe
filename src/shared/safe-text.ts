/**
 * Text PostgreSQL can store: no NUL characters and no unpaired UTF-16 surrogates. Both are
 * valid in JavaScript strings and JSON, but PostgreSQL rejects them in text and jsonb.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** Message for text that {@link isStorableText} rejects. */
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** Deepest nesting accepted in free-form JSON from clients. */
export const MAX_JSON_DEPTH = 32;

/**
 * Checks free-form JSON from a client: nesting at most {@link MAX_JSON_DEPTH} deep and every
 * string (keys included) storable. Returns the problem, or undefined when the value is fine.
 */
export function jsonProblem(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_JSON_DEPTH) return `is nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (typeof value === 'string') return isStorableText(value) ? undefined : UNSTORABLE_TEXT_MESSAGE;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return UNSTORABLE_TEXT_MESSAGE;
    const problem = jsonProblem(item, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A copy of any JSON-like value that PostgreSQL can store: NUL characters become U+FFFD and
 * unpaired surrogates are repaired. For outputs of arms and tools, which are not validated.
 */
export function toStorable<T>(value: T): T {
  if (typeof value === 'string') {
    return (
      isStorableText(value) ? value : value.replaceAll('\u0000', '\uFFFD').toWellFormed()
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => toStorable(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [toStorable(k), toStorable(v)]),
    ) as T;
  }
  return value;
}
