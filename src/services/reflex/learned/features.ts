/**
 * Hashed text features for the learned injection detector: word unigrams and bigrams, and
 * optionally character n-grams, each hashed into a fixed number of buckets with a sign (the
 * "hashing trick"), as binary features scaled to unit length. No vocabulary is kept, so the model
 * is just its weights.
 */

/** How a text becomes features; stored with the weights, so training and scoring agree. */
export interface FeatureConfig {
  /** log2 of the number of buckets. */
  bits: number;
  /** Character n-gram lengths. */
  charGrams: number[];
  /** Whether word bigrams are used. */
  wordBigrams: boolean;
  /** Longest text considered, in characters: head and tail are kept. */
  maxChars: number;
}

/**
 * Words and word pairs only: across sources left out in training (`npm run train:reflex`), char
 * 3-5-grams lowered recall at the same false-positive budget (0.390 against 0.472).
 */
export const DEFAULT_FEATURES: FeatureConfig = {
  bits: 18,
  charGrams: [],
  wordBigrams: true,
  maxChars: 4_000,
};

/** A sparse feature vector: bucket indices and their (signed, scaled) values. */
export interface Features {
  index: Int32Array;
  value: Float32Array;
}

/** FNV-1a, 32 bits, with a per-kind seed so words and n-grams land apart. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Lower case, compatibility-folded, whitespace collapsed; long texts keep head and tail. */
function prepare(text: string, maxChars: number): string {
  // Cut before folding, with room for what folding removes: NFKC and lower-casing all of a
  // 100 KB text cost more than scoring it. Texts up to twice the limit are folded whole.
  const raw =
    text.length > 2 * maxChars ? `${text.slice(0, maxChars)} ${text.slice(-maxChars)}` : text;
  let t = raw.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  if (t.length > maxChars) {
    const half = Math.floor(maxChars / 2);
    t = `${t.slice(0, half)} ${t.slice(t.length - half)}`;
  }
  return t;
}

const WORD = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** The features of a text under `config`. */
export function featuresOf(text: string, config: FeatureConfig = DEFAULT_FEATURES): Features {
  const t = prepare(text, config.maxChars);
  const mask = (1 << config.bits) - 1;
  const counts = new Map<number, number>();
  const add = (key: string, seed: number) => {
    const h = fnv1a(key, seed);
    const bucket = h & mask;
    // The top bit decides the sign, so collisions tend to cancel rather than add up.
    const sign = h >>> 31 ? -1 : 1;
    counts.set(bucket, (counts.get(bucket) ?? 0) + sign);
  };
  const words = t.match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    add(words[i]!, 1);
    if (config.wordBigrams && i + 1 < words.length) add(`${words[i]} ${words[i + 1]}`, 2);
  }
  const padded = ` ${t} `;
  for (const n of config.charGrams) {
    for (let i = 0; i + n <= padded.length; i++) add(padded.slice(i, i + n), 10 + n);
  }
  const index = new Int32Array(counts.size);
  const value = new Float32Array(counts.size);
  let norm = 0;
  let k = 0;
  for (const [bucket, count] of counts) {
    // Presence, not frequency: a long text does not win by repetition.
    const v = Math.sign(count);
    index[k] = bucket;
    value[k] = v;
    norm += v * v;
    k++;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < value.length; i++) value[i]! *= scale;
  return { index, value };
}
