import { z } from 'zod';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { PRIORITIES } from '../shared/task';
import { TASK_STATUSES } from '../shared/task-status';
import { taskLinks } from './task-view';

/** The most tasks one page of `GET /tasks` holds. */
export const MAX_PAGE_SIZE = 100;

/**
 * Where a page ends: the last task's creation time (ms) and id, the keyset the next page starts
 * after. Opaque to clients: base64url JSON.
 */
const cursorSchema = z.tuple([z.number().int().nonnegative(), z.uuid()]);

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.getTime(), id])).toString('base64url');
}

function decodeCursor(value: string): z.infer<typeof cursorSchema> | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Query of `GET /tasks`. */
export const taskListQuerySchema = z
  .object({
    status: z.enum(TASK_STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    created_after: z.iso
      .datetime({
        offset: true,
        message: 'must be an ISO 8601 date-time, e.g. 2026-11-30T12:00:00Z',
      })
      .optional(),
    limit: z.coerce
      .number('must be a number')
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
      .default(20),
    cursor: z
      .string()
      .refine((v) => decodeCursor(v) !== undefined, 'must be a next_cursor from an earlier page')
      .optional()
      .meta({ description: 'The `next_cursor` of the previous page' }),
  })
  .strict();

/**
 * One page of a tenant's tasks, newest first, by keyset (creation time, then id): a page never repeats or
 * skips a task however many are submitted while a client pages, since new tasks sort before the
 * first page. `next_cursor` is null on the last page.
 */
export async function listTasks(
  prisma: PrismaClient,
  tenantId: string,
  query: z.output<typeof taskListQuerySchema>,
) {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const where: Prisma.TaskWhereInput = {
    tenantId,
    ...(query.status ? { status: query.status } : {}),
    ...(query.priority ? { priority: query.priority } : {}),
    AND: [
      query.created_after ? { createdAt: { gt: new Date(query.created_after) } } : {},
      after
        ? {
            OR: [
              { createdAt: { lt: new Date(after[0]) } },
              { createdAt: new Date(after[0]), id: { lt: after[1] } },
            ],
          }
        : {},
    ],
  };
  const rows = await prisma.task.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    select: {
      id: true,
      status: true,
      goal: true,
      priority: true,
      error: true,
      createdAt: true,
      updatedAt: true,
      completedAt: true,
    },
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    tasks: page.map((t) => ({
      task_id: t.id,
      status: t.status,
      goal: t.goal,
      priority: t.priority,
      error: t.error,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
      completed_at: t.completedAt,
      links: taskLinks(t.id),
    })),
    next_cursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
