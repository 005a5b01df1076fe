-- Plan approval: whether the task's plan waits for a person, and for how long at most.
-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "approval_timeout_seconds" INTEGER,
ADD COLUMN     "require_approval" BOOLEAN NOT NULL DEFAULT false;
