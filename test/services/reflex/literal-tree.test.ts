import {
  firstLetterAlternation,
  literalAlternation,
  prefixTree,
} from '../../../src/services/reflex/literal-tree';
import { prng } from '../../../src/shared/prng';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Every match (index and text) of a global regex, resuming after each. */
function matches(source: string, flags: string, text: string): string[] {
  const re = new RegExp(source, flags);
  const found: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push(`${m.index}:${m[0]}`);
    if (m[0].length === 0) re.lastIndex++;
  }
  return found;
}

describe('literal trees match exactly what the flat alternations match', () => {
  const rand = prng(11);
  const pick = (s: string) => s.charAt(Math.floor(rand() * s.length));
  const word = () =>
    Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick('abc.')).join('');

  it('prefixTree / literalAlternation, with prefixes, duplicates and whole-word endings', () => {
    for (let t = 0; t < 300; t++) {
      const words = Array.from({ length: 1 + Math.floor(rand() * 8) }, word);
      const whole = words.map(() => rand() < 0.3);
      const text = Array.from({ length: 30 }, () => pick('abc. x')).join('');
      const flat = words.map((w, i) => escape(w) + (whole[i] ? '\\b' : '')).join('|');
      const tree = prefixTree(words.map((rest, i) => ({ rest, whole: whole[i] ?? false })));
      expect(matches(`(?:${tree})x?`, 'g', text)).toEqual(matches(`(?:${flat})x?`, 'g', text));
      const plain = literalAlternation(words);
      expect(matches(plain, 'g', text)).toEqual(matches(words.map(escape).join('|'), 'g', text));
    }
  });

  it('firstLetterAlternation, case-insensitive, with regex alternatives', () => {
    const sources = [
      'mr',
      'mrs',
      'my name is',
      'name\\s*:',
      'named',
      'Ms',
      'hi',
      'hello',
      'a(?: b)?',
    ];
    const text = 'Mrs Ms my name is X, NAME : hello hi named a b Hi';
    const grouped = firstLetterAlternation(sources, true);
    expect(matches(`\\b(${grouped})`, 'gi', text)).toEqual(
      matches(`\\b(${sources.join('|')})`, 'gi', text),
    );
    expect(() => firstLetterAlternation(['?x'], false)).toThrow();
  });
});
