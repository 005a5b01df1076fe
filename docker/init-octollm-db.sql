-- OctoLLM's own database and role, beside Temporal's on the same server.
CREATE ROLE octollm LOGIN PASSWORD 'octollm';
CREATE DATABASE octollm OWNER octollm;
