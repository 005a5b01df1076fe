-- Replanning: how often a task's plan may be revised, each revision, and the revision of each step.
ALTER TABLE "tasks" ADD COLUMN "max_replans" INTEGER;

ALTER TABLE "plan_steps" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "plan_revisions" (
    "id" BIGSERIAL NOT NULL,
    "task_id" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "failed_step_id" TEXT NOT NULL,
    "step_ids" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "plan_revisions_task_id_revision_key" ON "plan_revisions"("task_id", "revision");

-- AddForeignKey
ALTER TABLE "plan_revisions" ADD CONSTRAINT "plan_revisions_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
