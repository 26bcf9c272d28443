-- Issue 14: the moment a trace opens at (a crash's faulting instruction, else main's first line,
-- else step 0: dev.omniscope.indexer.query.Opening), found when its index is loaded:
-- {step, pid, tid, reason, function, file, line}. Null for an index loaded before this column.
alter table traces add column index_opening jsonb;
