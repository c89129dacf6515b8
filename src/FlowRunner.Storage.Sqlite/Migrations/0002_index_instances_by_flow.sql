-- The web page lists the newest instances of one flow.
CREATE INDEX ix_instances_flow_created ON instances (flow_name, created_at);
