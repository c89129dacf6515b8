-- gateway 0002: the budgets moved to the runtime's rate_buckets, shared with the routes' limits (a budget half
-- used at the upgrade starts full again).
DROP TABLE gateway_budgets;
