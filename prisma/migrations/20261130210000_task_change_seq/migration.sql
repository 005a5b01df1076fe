-- Task row notifications also carry the write's place in the run's order ("seq", see
-- tasks.status_seq), so a listener that reads the task and hears of changes at the same time
-- (`GET /tasks/:id/events`) can tell an older status from a newer one.
CREATE OR REPLACE FUNCTION "octollm_notify_task_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'tasks' THEN
    PERFORM pg_notify('octollm_task_changed',
      json_build_object('task_id', NEW."id", 'status', NEW."status", 'seq', NEW."status_seq")::text);
  ELSE
    PERFORM pg_notify('octollm_task_changed', json_build_object('task_id', NEW."task_id")::text);
  END IF;
  RETURN NULL;
END;
$$;
