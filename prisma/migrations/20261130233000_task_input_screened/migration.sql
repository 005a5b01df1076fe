-- Whether the row's text was screened by the Reflex Layer before it was written (the API
-- screens every task it accepts); older rows are screened by their workflow.
-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "input_screened" BOOLEAN NOT NULL DEFAULT false;
