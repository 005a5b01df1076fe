import type { z } from 'zod';
import { createDocumentSchema } from '../../src/api/documents-router';
import { createOpenApiDocument } from '../../src/api/openapi';
import { budgetExtensionSchema, decisionBodySchema } from '../../src/api/tasks-router';
import { submitTaskSchema } from '../../src/shared/task';

// /docs offers these bodies for "Try it out": each must pass the validation of its route.
// (test/browser/web-ui.test.ts submits the /submit example from the page itself.)
const schemas: Record<string, z.ZodType> = {
  '/submit': submitTaskSchema,
  '/tasks/{id}/approve': decisionBodySchema,
  '/tasks/{id}/reject': decisionBodySchema,
  '/tasks/{id}/budget': budgetExtensionSchema,
  '/documents': createDocumentSchema,
};

test('every request body in the OpenAPI document has an example that its route accepts', () => {
  const document = createOpenApiDocument();
  const withBodies = Object.entries(document.paths ?? {}).filter(
    ([, item]) => item?.post?.requestBody,
  );
  expect(withBodies.map(([path]) => path).sort()).toEqual(Object.keys(schemas).sort());
  for (const [path, item] of withBodies) {
    const body = item!.post!.requestBody as { content: Record<string, { example?: unknown }> };
    const example = body.content['application/json']?.example;
    expect({ path, example }).toEqual({ path, example: expect.any(Object) });
    const parsed = schemas[path]!.safeParse(example);
    expect({ path, issues: parsed.error?.issues }).toEqual({ path, issues: undefined });
  }
});
