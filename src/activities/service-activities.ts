import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Got } from 'got';
import { armExecuteResponseSchema, type ArmExecuteResponse } from '../shared/arm';
import {
  planResponseSchema,
  validatePlanSteps,
  type PlanResponse,
  type PlanStep,
} from '../shared/plan';
import { reflexResponseSchema, type ReflexResponse } from '../shared/reflex';
import type { TaskSpec } from '../shared/task';
import { withHeartbeats } from './heartbeat';
import { postJson } from './http-json';
import type { Projection } from './projection-activities';

/** Where the services are. */
export interface ServiceUrls {
  reflexUrl: string;
  plannerUrl: string;
  armUrls: Record<PlanStep['arm'], string>;
}

/** Activities that call the Reflex Layer, the Planner Arm and the arms over HTTP. */
export function createServiceActivities(http: Got, urls: ServiceUrls, projection: Projection) {
  return {
    /** Screens text with the Reflex Layer; the verdict decides whether the task goes on. */
    async screenText(input: {
      taskId: string;
      direction: 'input' | 'output';
      text: string;
    }): Promise<ReflexResponse> {
      return postJson(
        http,
        `${urls.reflexUrl}/process`,
        { text: input.text, direction: input.direction, context: { task_id: input.taskId } },
        {
          service: 'Reflex Layer',
          response: reflexResponseSchema,
          signal: Context.current().cancellationSignal,
        },
      );
    },

    /** Asks the Planner Arm for a plan and refuses one that breaks the plan rules. */
    async planTask(input: { taskId: string; spec: TaskSpec }): Promise<PlanResponse> {
      const { spec } = input;
      const plan = await withHeartbeats((signal) =>
        postJson(
          http,
          `${urls.plannerUrl}/plan`,
          {
            goal: spec.goal,
            constraints: spec.constraints,
            acceptance_criteria: spec.acceptance_criteria,
            context: spec.context,
            budget: spec.budget,
          },
          { service: 'Planner Arm', response: planResponseSchema, signal },
        ),
      );
      // Defence in depth: the planner validates too, but a plan that would deadlock or
      // overrun must never reach the workflow, whoever produced it.
      const problems = validatePlanSteps(
        plan.steps,
        Object.keys(urls.armUrls) as PlanStep['arm'][],
      );
      if (problems.length) {
        throw ApplicationFailure.nonRetryable(
          `Planner returned an invalid plan: ${problems.join('; ')}`,
          'InvalidPlan',
        );
      }
      return plan;
    },

    /** Runs one step on the arm it names, recording each attempt in the projection. */
    async executeStep(input: {
      taskId: string;
      goal: string;
      step: PlanStep;
      inputs: Record<string, unknown>;
      budgetLeft: { cost_usd: number; tokens: number; seconds: number };
    }): Promise<ArmExecuteResponse> {
      const { taskId, step } = input;
      await projection.recordStepAttempt({
        taskId,
        stepId: step.id,
        attempt: Context.current().info.attempt,
      });
      return withHeartbeats((signal) =>
        postJson(
          http,
          `${urls.armUrls[step.arm]}/execute`,
          {
            task_id: taskId,
            goal: input.goal,
            step,
            inputs: input.inputs,
            budget_left: input.budgetLeft,
          },
          { service: `${step.arm} arm`, response: armExecuteResponseSchema, signal },
        ),
      );
    },
  };
}
