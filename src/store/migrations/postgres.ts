/**
 * PostgreSQL schema, one entry per version. Applied in order at startup, each in a
 * transaction holding an advisory lock so replicas starting together migrate once.
 * Never edit a released entry: add a new version.
 */
import type { Migration } from './types.ts';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE audit (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at             timestamptz NOT NULL,
  event          text NOT NULL,
  actor_id       text NOT NULL,
  actor_name     text,
  release_name   text,
  command        text,
  options        jsonb,
  outcome        text,
  duration_ms    integer,
  channel        text,
  thread_ts      text,
  correlation_id text,
  detail         text
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_release_at ON audit (release_name, at);
CREATE INDEX audit_actor_at ON audit (actor_id, at);

CREATE TABLE locks (
  lock_key    text PRIMARY KEY,
  holder      text NOT NULL,
  holder_name text,
  reason      text NOT NULL,
  owner       text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX locks_owner ON locks (owner);

CREATE TABLE leases (
  name        text PRIMARY KEY,
  owner       text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

CREATE TABLE watches (
  id            text PRIMARY KEY,
  kind          text NOT NULL,
  release_name  text NOT NULL,
  subject       jsonb NOT NULL,
  report        jsonb,
  state         text NOT NULL,
  created_at    timestamptz NOT NULL,
  next_check_at timestamptz NOT NULL,
  deadline      timestamptz NOT NULL,
  interval_ms   integer NOT NULL,
  attempts      integer NOT NULL DEFAULT 0,
  last_result   text,
  dedup_key     text
);
CREATE UNIQUE INDEX watches_active_dedup ON watches (kind, dedup_key) WHERE state = 'active' AND dedup_key IS NOT NULL;
CREATE INDEX watches_due ON watches (next_check_at) WHERE state = 'active';

CREATE TABLE pendings (
  id           text PRIMARY KEY,
  kind         text NOT NULL,
  actor_id     text NOT NULL,
  release_name text NOT NULL,
  command      text NOT NULL,
  payload      jsonb NOT NULL,
  state        text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX pendings_expires ON pendings (expires_at);

CREATE TABLE dedup (
  dedup_key  text PRIMARY KEY,
  seen_at    timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dedup_expires ON dedup (expires_at);

CREATE TABLE job_state (
  job        text NOT NULL,
  state_key  text NOT NULL,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (job, state_key)
);

CREATE TABLE job_runs (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job        text NOT NULL,
  owner      text,
  started_at timestamptz NOT NULL,
  ended_at   timestamptz,
  outcome    text,
  counts     jsonb,
  error      text
);
CREATE INDEX job_runs_job_started ON job_runs (job, started_at);
`,
  },
  {
    version: 2,
    name: 'live locks and the approval lifecycle',
    // Locks: who holds them (host, front end) and a heartbeat, so a dead holder's lock is taken
    // over at once. Pendings: who decided, the outcome of the approved run, and the Slack
    // message announcing the request (announced_at doubles as the claim of the announcing replica).
    sql: `
ALTER TABLE locks ADD COLUMN heartbeat_at timestamptz;
ALTER TABLE locks ADD COLUMN host text;
ALTER TABLE locks ADD COLUMN front_end text;
ALTER TABLE pendings ADD COLUMN decided_by text;
ALTER TABLE pendings ADD COLUMN outcome text;
ALTER TABLE pendings ADD COLUMN announced_at timestamptz;
ALTER TABLE pendings ADD COLUMN message jsonb;
CREATE INDEX pendings_kind_state ON pendings (kind, state);
`,
  },
];
