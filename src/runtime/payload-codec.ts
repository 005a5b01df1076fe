import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';

/** The `encoding` of an encrypted payload, as Temporal's samples name it. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Where the generated keys are kept in the data folder (mode 600). */
export const CODEC_KEYS_FILE = 'codec-keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const { Payload: PayloadMessage } = temporal.api.common.v1;

/** Encryption keys by id; `current` encrypts, every key decrypts. */
export interface CodecKeys {
  keys: Map<string, Buffer>;
  current: string;
}

/**
 * A Temporal `PayloadCodec` that encrypts every payload with AES-256-GCM: the whole payload
 * (metadata and data) becomes the ciphertext, with a random 96-bit IV and the 128-bit tag, and
 * the key's id goes into the new payload's metadata. Decoding picks the key by that id, so keys can
 * be rotated by adding one; payloads that were never encrypted pass through unchanged.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeys) {}

  /** Async, so that a failure rejects rather than throws. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { current } = this.keys;
    const key = this.keys.keys.get(current)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(current),
        },
        data,
      };
    });
  }

  /** Async, so that a failure rejects rather than throws. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? Buffer.from(idBytes).toString() : '';
      const key = this.keys.keys.get(id);
      if (!key) {
        throw new Error(
          `Payload encrypted with key "${id}", which is not among the codec keys ` +
            `(${[...this.keys.keys.keys()].join(', ')}); add it to OCTOLLM_CODEC_KEYS`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('Encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return PayloadMessage.decode(plain);
    });
  }
}

/**
 * Parses `id:base64key` entries separated by commas or new lines, each key 32 bytes
 * (AES-256). The last entry encrypts; all of them decrypt. `what` names the source in errors.
 */
export function parseCodecKeys(text: string, what: string): CodecKeys {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new ConfigError(`${what}: no key; expected id:base64key[,id:base64key…]`);
  }
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon < 1 || !KEY_ID.test(id)) {
      throw new ConfigError(
        `${what}: "${entry.slice(0, 12)}…" must be id:base64key, the id 1-64 letters, digits, . _ -`,
      );
    }
    if (key.length !== 32) {
      throw new ConfigError(
        `${what}: key "${id}" is ${key.length} bytes; AES-256 needs 32 (openssl rand -base64 32)`,
      );
    }
    if (keys.has(id)) throw new ConfigError(`${what}: key id "${id}" appears twice`);
    keys.set(id, key);
    current = id;
  }
  return { keys, current };
}

/**
 * The codec keys: `OCTOLLM_CODEC_KEYS` when set; otherwise the data folder's `codec-keys` file,
 * generated with one random key on first start (mode 600). Every process that talks to the same
 * Temporal namespace must have the same keys: the API, the worker and any client.
 */
export function loadCodecKeys(
  envKeys: string | undefined,
  dataDir: string,
  log: (msg: string) => void,
): CodecKeys {
  if (envKeys) return parseCodecKeys(envKeys, 'OCTOLLM_CODEC_KEYS');
  const file = path.join(dataDir, CODEC_KEYS_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written whole under another name, then linked into place (which fails if the file
    // exists): of two processes starting at once, one key wins and both read it.
    const draft = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(draft, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
      log(`generated a payload encryption key in ${file} (keep it: histories need it to be read)`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  return parseCodecKeys(fs.readFileSync(file, 'utf8'), file);
}
