-- The index loader (issue 5, data half): what a trace's loaded index holds. The index tables
-- themselves are migration V4, written in Java (the server module's index package) from the one
-- definition of their columns (docs/index-format.md), so that SQL never repeats them.

alter table traces
    -- the trace's number in this database: the partition key of every index table (a compact
    -- stand-in for the 22-character id in billions of rows)
    add column trace_key      bigint generated always as identity unique,
    -- the load whose tables are attached as this trace's partitions (null: nothing loaded); its
    -- tables are <table>_l<index_load>
    add column index_load     bigint,
    add column loaded_at      timestamptz,
    -- from the index's summary.json: steps replayed (the index covers [0, instructions)), whether
    -- the replay reached the end, and if not where and why it stopped (kind, step, pid, tid, rip,
    -- function, detail, message)
    add column instructions   bigint,
    add column index_complete boolean,
    add column index_problem  jsonb,
    -- rows per index table (as the indexer wrote them)
    add column index_rows     jsonb,
    -- how long the replay took, and the load into PostgreSQL
    add column index_millis   bigint,
    add column load_millis    bigint,
    -- per slice of the step axis: which tasks ran, counts of system calls, signals, calls
    -- (the timeline endpoint's source; see IndexLoader)
    add column index_timeline jsonb;

-- Load numbers: each load of a trace's index writes fresh tables named after its number.
create sequence index_loads;
