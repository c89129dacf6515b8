-- The W3C traceparent of the span that started an instance: later runs (answers, timers, recovery) continue its trace.
ALTER TABLE instances ADD COLUMN trace_parent TEXT;
