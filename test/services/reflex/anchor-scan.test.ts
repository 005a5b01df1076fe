import { AnchorScan } from '../../../src/services/reflex/injection/anchor-scan';
import {
  buildAnchorPatterns,
  FOLDED_ANCHORS,
} from '../../../src/services/reflex/injection/anchors';
import { DEFAULT_RULES } from '../../../src/services/reflex/injection/compile-rules';
import { normaliseForMatching } from '../../../src/services/reflex/normalise';
import { ATTACKS, BENIGN, OUTPUT_ATTACKS, OUTPUT_BENIGN } from './fixtures/injection-samples';
import { prng } from '../../../src/shared/prng';

const ANCHORS = [...FOLDED_ANCHORS, ...DEFAULT_RULES.flatMap((r) => r.anchors)];

/** The regex scan the character scan replaces: every position, first alternative wins. */
function regexScan(text: string): { index: number; anchor: string }[] {
  const found: { index: number; anchor: string }[] = [];
  for (const source of buildAnchorPatterns(ANCHORS)) {
    const pattern = new RegExp(source.source, 'g');
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      found.push({ index: m.index, anchor: m[1] ?? '' });
      pattern.lastIndex = m.index + 1;
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

describe('AnchorScan', () => {
  const scan = new AnchorScan(ANCHORS);

  it('finds what the anchor regexes find on every sample', () => {
    for (const raw of [...ATTACKS, ...BENIGN, ...OUTPUT_ATTACKS, ...OUTPUT_BENIGN]) {
      const text = normaliseForMatching(raw).text;
      expect(scan.find(text)).toEqual(regexScan(text));
      expect(scan.test(text)).toBe(regexScan(text).length > 0);
    }
  });

  it('agrees on generated text: anchors glued, overlapping, at both ends, next to symbols', () => {
    const rand = prng(7);
    const pieces = [...ANCHORS, ' ', ' ', '_', 'x', '9', '.', '\n', '<', 'é', 'danish', 'aboves'];
    for (let t = 0; t < 300; t++) {
      let text = '';
      const count = 1 + Math.floor(rand() * 12);
      for (let k = 0; k < count; k++) text += pieces[Math.floor(rand() * pieces.length)] ?? '';
      expect(scan.find(text)).toEqual(regexScan(text));
      expect(scan.test(text)).toBe(regexScan(text).length > 0);
    }
  });

  it('keeps list order where anchors share a start, and honours whole-word anchors', () => {
    const custom = new AnchorScan(['human', 'human:', 'dan', 'x', 'xy']);
    expect(custom.find('human: dan danger xy')).toEqual([
      { index: 0, anchor: 'human' },
      { index: 7, anchor: 'dan' },
      { index: 18, anchor: 'x' },
    ]);
    expect(custom.test('guidance')).toBe(false);
  });
});
