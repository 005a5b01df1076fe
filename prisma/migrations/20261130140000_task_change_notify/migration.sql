-- Tells listeners (the API's `GET /tasks/:id?wait=`) that a task's projection changed, so a
-- client can wait for a change instead of polling. The payload is JSON: {"task_id": …}, with
-- "status" too when the task row itself changed. PostgreSQL sends notifications when the
-- transaction commits and folds identical ones within a transaction.
-- Prisma's schema does not model triggers; `prisma migrate diff` ignores them.
CREATE FUNCTION "octollm_notify_task_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'tasks' THEN
    PERFORM pg_notify('octollm_task_changed',
      json_build_object('task_id', NEW."id", 'status', NEW."status")::text);
  ELSE
    PERFORM pg_notify('octollm_task_changed', json_build_object('task_id', NEW."task_id")::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "tasks_notify_changed" AFTER INSERT OR UPDATE ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "octollm_notify_task_changed"();
CREATE TRIGGER "plan_steps_notify_changed" AFTER INSERT OR UPDATE ON "plan_steps"
  FOR EACH ROW EXECUTE FUNCTION "octollm_notify_task_changed"();
CREATE TRIGGER "task_results_notify_changed" AFTER INSERT OR UPDATE ON "task_results"
  FOR EACH ROW EXECUTE FUNCTION "octollm_notify_task_changed"();
