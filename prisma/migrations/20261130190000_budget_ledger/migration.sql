-- The budget ledger: what planning spent, and what planning and each running step have reserved.
ALTER TABLE "tasks" ADD COLUMN "planning_tokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "planning_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN "reserved_tokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "reserved_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0;

ALTER TABLE "plan_steps" ADD COLUMN "reserved_tokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "reserved_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0;
