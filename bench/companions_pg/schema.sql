-- The three input files as tables; run.sh fills them with COPY ... FROM STDIN (CSV, header).
-- UNLOGGED: a throw-away benchmark database needs no WAL, and PostgreSQL can still scan unlogged
-- tables with parallel workers (temporary tables it cannot).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DROP TABLE IF EXISTS cells, records, cases CASCADE;

CREATE UNLOGGED TABLE cells (
  cell_id text NOT NULL,
  lat float8 NOT NULL,
  lon float8 NOT NULL
);

CREATE UNLOGGED TABLE records (
  phone text NOT NULL,
  cell_id text NOT NULL,
  time bigint NOT NULL  -- Unix seconds
);

CREATE UNLOGGED TABLE cases (
  phone text NOT NULL,
  confirmed_at bigint NOT NULL  -- Unix seconds
);
