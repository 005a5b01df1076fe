-- Orders the workflow's status writes (see recordTaskStatus): 0 for tasks written before.
-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "status_seq" INTEGER NOT NULL DEFAULT 0;
