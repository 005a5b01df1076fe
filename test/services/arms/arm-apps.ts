import type { Express } from 'express';
import pino from 'pino';
import { createArmApp } from '../../../src/services/arms/arm-app';
import type { ArmDescriptor } from '../../../src/services/arms/arm-handler';
import { createLlm } from '../../../src/services/common/llm-client';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server';

/**
 * One arm as two HTTP apps for a test file: offline, and with a model on a real local
 * OpenAI-compatible server (scripted replies, reset after each test).
 */
export function useArmApps(arm: ArmDescriptor): () => {
  fake: FakeOpenAiServer;
  offline: Express;
  withLlm: Express;
} {
  const silent = pino({ level: 'silent' });
  let apps: { fake: FakeOpenAiServer; offline: Express; withLlm: Express } | undefined;
  beforeAll(async () => {
    const fake = await startFakeOpenAiServer();
    const llm = createLlm({
      apiKey: 'k',
      baseUrl: fake.baseUrl,
      model: 'fake-model',
      timeoutMs: 5_000,
    });
    apps = {
      fake,
      offline: createArmApp({ arm, logger: silent }).app,
      withLlm: createArmApp({ arm, logger: silent, llm }).app,
    };
  });
  afterEach(() => apps?.fake.reset());
  afterAll(() => apps?.fake.close());
  return () => apps!;
}
