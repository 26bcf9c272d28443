-- Recordings known to the server. Later migrations add the per-trace index tables, partitioned by
-- trace (see docs/architecture.md, "PostgreSQL").
create table traces (
    id          text primary key,
    created_at  timestamptz not null default now(),
    status      text not null check (status in ('queued', 'indexing', 'indexed', 'failed')),
    command     text
);
