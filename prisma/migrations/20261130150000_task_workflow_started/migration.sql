-- POST /submit writes the task row and answers; the API starts the workflow from the row right
-- after, and a sweep starts any it missed. Rows from before this migration all had their
-- workflow started (the API used to start it before answering), hence true for them.
-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "workflow_started" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "tasks" ALTER COLUMN "workflow_started" SET DEFAULT false;

-- CreateIndex
CREATE INDEX "tasks_workflow_started_created_at_idx" ON "tasks"("workflow_started", "created_at");
