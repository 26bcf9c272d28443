-- A thread's blocks in step order, for moves (GET /api/traces/{id}/steps/{step}/move): the next or
-- previous block of one thread without walking the others' interleaved blocks. Databases made
-- after this build already have it from V4 (IndexSchema.indexes); on older ones it is built on
-- every loaded partition here.
create index if not exists "blocks_tid" on blocks (tid, step);
