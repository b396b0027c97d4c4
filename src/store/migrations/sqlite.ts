/**
 * SQLite schema, one entry per version. Applied in order at startup inside one
 * IMMEDIATE transaction each, recorded in schema_migrations. Never edit a released
 * entry: add a new version.
 *
 * Times are INTEGER milliseconds since the epoch (UTC); JSON columns are TEXT.
 */
import type { Migration } from './types.ts';

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE audit (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             INTEGER NOT NULL,
  event          TEXT    NOT NULL,
  actor_id       TEXT    NOT NULL,
  actor_name     TEXT,
  release_name   TEXT,
  command        TEXT,
  options        TEXT,
  outcome        TEXT,
  duration_ms    INTEGER,
  channel        TEXT,
  thread_ts      TEXT,
  correlation_id TEXT,
  detail         TEXT
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_release_at ON audit (release_name, at);
CREATE INDEX audit_actor_at ON audit (actor_id, at);

CREATE TABLE locks (
  lock_key    TEXT PRIMARY KEY,
  holder      TEXT    NOT NULL,
  holder_name TEXT,
  reason      TEXT    NOT NULL,
  owner       TEXT    NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX locks_owner ON locks (owner);

CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  owner       TEXT    NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);

CREATE TABLE watches (
  id            TEXT PRIMARY KEY,
  kind          TEXT    NOT NULL,
  release_name  TEXT    NOT NULL,
  subject       TEXT    NOT NULL,
  report        TEXT,
  state         TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  next_check_at INTEGER NOT NULL,
  deadline      INTEGER NOT NULL,
  interval_ms   INTEGER NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_result   TEXT,
  dedup_key     TEXT
);
CREATE UNIQUE INDEX watches_active_dedup ON watches (kind, dedup_key) WHERE state = 'active' AND dedup_key IS NOT NULL;
CREATE INDEX watches_due ON watches (next_check_at) WHERE state = 'active';

CREATE TABLE pendings (
  id           TEXT PRIMARY KEY,
  kind         TEXT    NOT NULL,
  actor_id     TEXT    NOT NULL,
  release_name TEXT    NOT NULL,
  command      TEXT    NOT NULL,
  payload      TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX pendings_expires ON pendings (expires_at);

CREATE TABLE dedup (
  dedup_key  TEXT PRIMARY KEY,
  seen_at    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX dedup_expires ON dedup (expires_at);

CREATE TABLE job_state (
  job        TEXT NOT NULL,
  state_key  TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (job, state_key)
);

CREATE TABLE job_runs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  job        TEXT    NOT NULL,
  owner      TEXT,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER,
  outcome    TEXT,
  counts     TEXT,
  error      TEXT
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
ALTER TABLE locks ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE locks ADD COLUMN host TEXT;
ALTER TABLE locks ADD COLUMN front_end TEXT;
ALTER TABLE pendings ADD COLUMN decided_by TEXT;
ALTER TABLE pendings ADD COLUMN outcome TEXT;
ALTER TABLE pendings ADD COLUMN announced_at INTEGER;
ALTER TABLE pendings ADD COLUMN message TEXT;
CREATE INDEX pendings_kind_state ON pendings (kind, state);
`,
  },
];
