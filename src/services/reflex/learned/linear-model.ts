import { featuresOf, type FeatureConfig, type Features } from './features';

/**
 * A logistic-regression model over hashed features, as `npm run train:reflex` writes it: the
 * weights quantised to int8 with one scale (base64), the bias, the feature config and the
 * decision threshold chosen on training data.
 */
export interface StoredModel {
  version: 1;
  features: FeatureConfig;
  /** base64 of an Int8Array of 2^bits weights; weight = byte * scale. */
  weights: string;
  scale: number;
  bias: number;
  /** Probability at or above which the model alone counts a text as an injection. */
  threshold: number;
  /** How it was trained: data, seed, epochs, sizes. */
  trained: Record<string, unknown>;
}

/** A loaded model: scores a text in well under a millisecond for a few KB. */
export class LinearModel {
  constructor(
    readonly config: FeatureConfig,
    readonly weights: Float32Array,
    readonly bias: number,
    readonly threshold: number,
  ) {}

  static fromStored(stored: StoredModel): LinearModel {
    const bytes = Buffer.from(stored.weights, 'base64');
    const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) w[i] = q[i]! * stored.scale;
    return new LinearModel(stored.features, w, stored.bias, stored.threshold);
  }

  /** The weights quantised for storage. */
  toStored(trained: Record<string, unknown>): StoredModel {
    let max = 0;
    for (const v of this.weights) max = Math.max(max, Math.abs(v));
    const scale = max / 127 || 1;
    const q = new Int8Array(this.weights.length);
    for (let i = 0; i < q.length; i++) q[i] = Math.round(this.weights[i]! / scale);
    return {
      version: 1,
      features: this.config,
      weights: Buffer.from(q.buffer).toString('base64'),
      scale,
      bias: this.bias,
      threshold: this.threshold,
      trained,
    };
  }

  /** The model's logit for features already extracted. */
  logit(f: Features): number {
    let z = this.bias;
    for (let i = 0; i < f.index.length; i++) z += this.weights[f.index[i]!]! * f.value[i]!;
    return z;
  }

  /** The probability that `text` is an injection. */
  score(text: string): number {
    return sigmoid(this.logit(featuresOf(text, this.config)));
  }

  /**
   * The score shifted so that 0.5 is the model's own threshold (chosen on out-of-fold training
   * scores): comparable with the rules' score, whose threshold is 0.5 too.
   */
  centredScore(f: Features): number {
    return sigmoid(this.logit(f) - Math.log(this.threshold / (1 - this.threshold)));
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
