const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One literal of an alternation. */
export interface LiteralEntry {
  /** What is left of the literal at this depth of the tree. */
  rest: string;
  /** Must end at a word boundary (`\\b` after it). */
  whole: boolean;
}

/**
 * An alternation of literals as a prefix tree, matching exactly what the flat alternation
 * `(a1|a2|…)` matches, including which literal wins at a position: alternatives with different
 * first characters cannot both match, so only the order among those sharing a prefix matters
 * and that order is kept; an alternative that has ended (it may match the empty rest) is
 * never moved past its neighbours. V8 tries a flat alternation's ~500 words one by one at every
 * word start; the tree needs one character test per branch.
 */
export function prefixTree(entries: readonly LiteralEntry[]): string {
  const branches: string[] = [];
  // Alternatives between two ended ones are grouped by first character, in order of first
  // appearance; ended alternatives stay where they are.
  let pending: LiteralEntry[] = [];
  const emitPending = () => {
    const byChar = new Map<string, LiteralEntry[]>();
    for (const e of pending) {
      const c = e.rest.charAt(0);
      const list = byChar.get(c);
      if (list) list.push(e);
      else byChar.set(c, [e]);
    }
    for (const [c, group] of byChar) {
      branches.push(escape(c) + prefixTree(group.map((e) => ({ ...e, rest: e.rest.slice(1) }))));
    }
    pending = [];
  };
  for (const e of entries) {
    if (e.rest.length > 0) pending.push(e);
    else {
      emitPending();
      branches.push(e.whole ? '\\b' : '');
    }
  }
  emitPending();
  return branches.length === 1 ? (branches[0] ?? '') : `(?:${branches.join('|')})`;
}

/** A flat list of literals as one prefix-tree regex source (see `prefixTree`). */
export function literalAlternation(literals: readonly string[]): string {
  return prefixTree(literals.map((rest) => ({ rest, whole: false })));
}

/**
 * An alternation of regex sources grouped by their first character: `(?:a(?:…|…)|b…)`. Each
 * source must start with a plain letter (no quantifier after it). Alternatives with different
 * first letters cannot match at the same place, and within a group the order is kept, so the
 * result matches exactly what `(?:s1|s2|…)` matches; V8 then tests one letter per group instead
 * of every alternative. With `caseInsensitive`, letters are grouped ignoring case (for `/i`).
 */
export function firstLetterAlternation(
  sources: readonly string[],
  caseInsensitive: boolean,
): string {
  const groups = new Map<string, string[]>();
  for (const source of sources) {
    const first = source.charAt(0);
    if (!/^\p{L}$/u.test(first) || /^[?*+{]/.test(source.charAt(1))) {
      throw new Error(`not a letter-led alternative: ${source}`);
    }
    const key = caseInsensitive ? first.toLowerCase() : first;
    const rests = groups.get(key);
    if (rests) rests.push(source.slice(1));
    else groups.set(key, [source.slice(1)]);
  }
  const branches = [...groups].map(([first, rests]) =>
    rests.length === 1 ? `${first}${rests[0] ?? ''}` : `${first}(?:${rests.join('|')})`,
  );
  return `(?:${branches.join('|')})`;
}
