-- The trace service (issue 5): who owns each upload, its indexing job's state, what the trace
-- holds (from its header and one pass over its events), bookmarks and share links.

alter table traces
    add column owner          text not null default 'local',
    add column updated_at     timestamptz not null default now(),
    add column progress       integer not null default 0 check (progress between 0 and 100),
    add column failure_reason text,
    -- how many times a job has started on this trace; a server restart mid-job re-queues it
    -- until omni.indexing.max-attempts is reached
    add column attempts       integer not null default 0,
    add column file_size      bigint not null default 0,
    add column executable     text,
    add column recorded_at    text,
    add column event_count    bigint not null default 0,
    add column complete       boolean not null default false,
    -- TraceSummary without the header's environment: processes, counts, warnings, completeness
    add column summary        jsonb not null default '{}'::jsonb;

comment on column traces.command is 'the recorded command line, shell-quoted, for display';

create index traces_by_owner on traces (owner, created_at desc, id desc);
create index traces_by_time on traces (created_at desc, id desc);
create index traces_unfinished on traces (status) where status in ('queued', 'indexing');

-- Moments a team shares: (trace, step), optionally a memory range and a thread.
create table bookmarks (
    id          bigserial primary key,
    trace_id    text not null references traces (id) on delete cascade,
    step        bigint not null check (step >= 0),
    addr        bigint,              -- an unsigned 64-bit address, stored as its two's complement
    len         integer check (len > 0),
    tid         integer,
    note        text,
    created_by  text not null,
    created_at  timestamptz not null default now(),
    check (addr is not null or len is null)
);
create index bookmarks_by_trace on bookmarks (trace_id, step, id);

-- Share links: a token grants read access to one trace. Only the token's SHA-256 is stored.
create table shares (
    id          text primary key,
    trace_id    text not null references traces (id) on delete cascade,
    token_hash  text not null unique,
    created_by  text not null,
    created_at  timestamptz not null default now()
);
create index shares_by_trace on shares (trace_id);
