-- AlterTable
ALTER TABLE "plan_steps" ADD COLUMN     "served_by" TEXT;
