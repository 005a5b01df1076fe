-- CreateTable
CREATE TABLE "tasks" (
    "id" TEXT NOT NULL,
    "goal" TEXT NOT NULL,
    "constraints" JSONB NOT NULL,
    "context" JSONB NOT NULL,
    "acceptance_criteria" JSONB NOT NULL,
    "priority" TEXT NOT NULL,
    "budget_max_cost_usd" DOUBLE PRECISION NOT NULL,
    "budget_max_time_seconds" INTEGER NOT NULL,
    "budget_max_tokens" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "blocked_reason" TEXT,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_steps" (
    "id" BIGSERIAL NOT NULL,
    "task_id" TEXT NOT NULL,
    "step_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "acceptance_criteria" JSONB NOT NULL,
    "depends_on" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "output" JSONB,
    "summary" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plan_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_results" (
    "task_id" TEXT NOT NULL,
    "output" JSONB NOT NULL,
    "summary" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION,
    "tokens" INTEGER NOT NULL,
    "cost_usd" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_results_pkey" PRIMARY KEY ("task_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tasks_workflow_id_key" ON "tasks"("workflow_id");

-- CreateIndex
CREATE INDEX "tasks_status_created_at_idx" ON "tasks"("status", "created_at");

-- CreateIndex
CREATE INDEX "tasks_created_at_idx" ON "tasks"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "plan_steps_task_id_step_id_key" ON "plan_steps"("task_id", "step_id");

-- AddForeignKey
ALTER TABLE "plan_steps" ADD CONSTRAINT "plan_steps_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_results" ADD CONSTRAINT "task_results_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
