import type { Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  loadCodecKeys,
  parseCodecKeys,
} from '../../src/runtime/payload-codec';

const key = () => randomBytes(32).toString('base64');
const json = (value: unknown): Payload => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});
const text = (p: Payload) => Buffer.from(p.data!).toString();

test('encrypts the whole payload with the current key and decrypts it back', async () => {
  const codec = new AesGcmPayloadCodec(parseCodecKeys(`k1:${key()}`, 'test'));
  const plain = json({ goal: 'Write to jane.doe@example.com' });
  const [encrypted] = await codec.encode([plain]);
  expect(Buffer.from(encrypted!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(encrypted!.metadata![KEY_ID_METADATA]!).toString()).toBe('k1');
  // Neither the data nor its original metadata is readable.
  expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('jane.doe');
  expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('json/plain');
  const [decoded] = await codec.decode([encrypted!]);
  expect(text(decoded!)).toBe(text(plain));
  expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
  // A fresh IV each time: the same payload never encrypts the same way twice.
  const [again] = await codec.encode([plain]);
  expect(Buffer.from(again!.data!).equals(Buffer.from(encrypted!.data!))).toBe(false);
});

test('rotation: a new key encrypts, payloads of the old one still decrypt', async () => {
  const k1 = key();
  const old = new AesGcmPayloadCodec(parseCodecKeys(`k1:${k1}`, 'test'));
  const [fromOld] = await old.encode([json('before rotation')]);
  const rotated = new AesGcmPayloadCodec(parseCodecKeys(`k1:${k1},k2:${key()}`, 'test'));
  const [fromNew] = await rotated.encode([json('after rotation')]);
  expect(Buffer.from(fromNew!.metadata![KEY_ID_METADATA]!).toString()).toBe('k2');
  const decoded = await rotated.decode([fromOld!, fromNew!]);
  expect(decoded.map(text)).toEqual(['"before rotation"', '"after rotation"']);
  // Without the key it names the key it needs.
  const other = new AesGcmPayloadCodec(parseCodecKeys(`k9:${key()}`, 'test'));
  await expect(other.decode([fromNew!])).rejects.toThrow(/key "k2".*OCTOLLM_CODEC_KEYS/);
});

test('a tampered payload is refused; a payload never encrypted passes through', async () => {
  const codec = new AesGcmPayloadCodec(parseCodecKeys(`k1:${key()}`, 'test'));
  const [encrypted] = await codec.encode([json('x')]);
  const data = Buffer.from(encrypted!.data!);
  data[20] = data[20]! ^ 1;
  await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow();
  const plain = json('left as it was');
  expect(await codec.decode([plain])).toEqual([plain]);
});

test('bad keys are configuration errors that say what is wrong', () => {
  expect(() => parseCodecKeys('', 'OCTOLLM_CODEC_KEYS')).toThrow(/no key/);
  expect(() => parseCodecKeys(`k1:${randomBytes(16).toString('base64')}`, 'X')).toThrow(
    /16 bytes; AES-256 needs 32/,
  );
  expect(() => parseCodecKeys(key(), 'X')).toThrow(/must be id:base64key/);
  expect(() => parseCodecKeys(`k1:${key()},k1:${key()}`, 'X')).toThrow(/appears twice/);
});

test('without OCTOLLM_CODEC_KEYS a key is generated once into the data folder (mode 600)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'octollm-codec-'));
  const said: string[] = [];
  const first = loadCodecKeys(undefined, dir, (m) => said.push(m));
  expect(said).toEqual([expect.stringMatching(/generated a payload encryption key/)]);
  const file = path.join(dir, 'codec-keys');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const second = loadCodecKeys(undefined, dir, (m) => said.push(m));
  expect(second.keys.get('k1')!.equals(first.keys.get('k1')!)).toBe(true);
  expect(said).toHaveLength(1);
  // The environment wins over the file.
  const fromEnv = loadCodecKeys(`env1:${key()}`, dir, () => undefined);
  expect(fromEnv.current).toBe('env1');
});
