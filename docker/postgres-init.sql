-- Temporal keeps its own databases beside napflow's; auto-setup creates their schemas.
CREATE ROLE temporal WITH LOGIN PASSWORD 'temporal' CREATEDB;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
