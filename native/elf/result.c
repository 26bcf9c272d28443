// The answers of the queries that return structured records (scopes at a pc, a type, the
// function list, call frame information): each is encoded into the handle's result buffer, which
// omni_elf_result_copy hands out. The encoding is elfinfo.h's "Query results": little-endian
// integers, strings and byte blocks as a u32 length and their bytes, DWARF expressions as a u32
// count of operations.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <string.h>

void res_reset(omni_elf *h) {
    h->result.len = 0;
}

static void put(omni_elf *h, const void *p, size_t n) {
    struct strbuf *r = &h->result;
    if (h->oom) return;
    if (r->len + n > INT32_MAX) { // Java arrays are int-indexed
        h->oom = true;
        return;
    }
    if (!grow(h, (void **)&r->data, &r->cap, r->len + n, 1)) return;
    memcpy(r->data + r->len, p, n);
    r->len += n;
}

void res_u8(omni_elf *h, uint8_t v) {
    put(h, &v, 1);
}

void res_u32(omni_elf *h, uint32_t v) {
    uint8_t b[4];
    for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
    put(h, b, 4);
}

void res_u64(omni_elf *h, uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    put(h, b, 8);
}

void res_bytes(omni_elf *h, const void *p, size_t n) {
    if (n > INT32_MAX) {
        h->oom = true;
        return;
    }
    res_u32(h, (uint32_t)n);
    if (n) put(h, p, n);
}

void res_str(omni_elf *h, const char *s) {
    if (!s) res_u32(h, UINT32_MAX);
    else res_bytes(h, s, strnlen(s, MAX_RESULT_STRING));
}

size_t res_mark(omni_elf *h) {
    size_t at = h->result.len;
    res_u32(h, 0);
    return at;
}

void res_patch_u32(omni_elf *h, size_t at, uint32_t v) {
    if (h->oom || at + 4 > h->result.len) return;
    for (int i = 0; i < 4; i++) h->result.data[at + i] = (char)(v >> (8 * i));
}

int64_t res_done(omni_elf *h) {
    if (h->oom) {
        h->oom = false;
        h->result.len = 0;
        return -1;
    }
    return (int64_t)h->result.len;
}

size_t omni_elf_result_copy(omni_elf *h, char *buf, size_t cap) {
    size_t n = cap < h->result.len ? cap : h->result.len;
    if (n) memcpy(buf, h->result.data, n);
    return n;
}
