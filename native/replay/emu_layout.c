// The layouts of the structs that bindings read from memory (see emu.h, "Layouts"): sizeof and
// offsetof here, so that no binding types an offset.
#include <stddef.h>

#include "emu_internal.h"

struct emu_field {
    const char *name;
    uint32_t offset, size;
};

#define FIELD(type, f) {#f, offsetof(struct type, f), sizeof(((struct type *)0)->f)}

static const struct emu_field trace_fields[] = {
    FIELD(omni_trace, step),       FIELD(omni_trace, flags),      FIELD(omni_trace, capacity),
    FIELD(omni_trace, lost),       FIELD(omni_trace, resyncs),
    FIELD(omni_trace, nblocks),    FIELD(omni_trace, block_step), FIELD(omni_trace, block_rip),
    FIELD(omni_trace, block_insns),
    FIELD(omni_trace, nmem),       FIELD(omni_trace, mem_step),   FIELD(omni_trace, mem_rip),
    FIELD(omni_trace, mem_addr),   FIELD(omni_trace, mem_size),   FIELD(omni_trace, mem_old),
    FIELD(omni_trace, mem_new),
    FIELD(omni_trace, nregs),      FIELD(omni_trace, reg_step),   FIELD(omni_trace, reg_id),
    FIELD(omni_trace, reg_lo),     FIELD(omni_trace, reg_hi),
    FIELD(omni_trace, nctl),       FIELD(omni_trace, ctl_step),   FIELD(omni_trace, ctl_kind),
    FIELD(omni_trace, ctl_rip),    FIELD(omni_trace, ctl_target), FIELD(omni_trace, ctl_sp),
    FIELD(omni_trace, ctl_args),   FIELD(omni_trace, ctl_ret),
};

static const struct emu_field stop_fields[] = {
    FIELD(omni_stop, reason), FIELD(omni_stop, detail), FIELD(omni_stop, rip),
    FIELD(omni_stop, fault_addr), FIELD(omni_stop, step), FIELD(omni_stop, uc_err),
    FIELD(omni_stop, reserved), FIELD(omni_stop, steps),
};

// Each list ends with its struct's last field: a field added at the end must be listed too.
_Static_assert(offsetof(struct omni_trace, ctl_ret) + sizeof(uint64_t *) == sizeof(struct omni_trace),
               "trace_fields must end with the last field of struct omni_trace");
_Static_assert(offsetof(struct omni_stop, steps) + sizeof(uint64_t) == sizeof(struct omni_stop),
               "stop_fields must end with the last field of struct omni_stop");

uint32_t omni_emu_layout_size(int which) {
    switch (which) {
    case OMNI_LAYOUT_TRACE: return sizeof(struct omni_trace);
    case OMNI_LAYOUT_STOP: return sizeof(struct omni_stop);
    default: return 0;
    }
}

const char *omni_emu_layout_field(int which, int i, uint32_t *offset, uint32_t *size) {
    const struct emu_field *fields;
    int n;
    switch (which) {
    case OMNI_LAYOUT_TRACE:
        fields = trace_fields;
        n = sizeof trace_fields / sizeof trace_fields[0];
        break;
    case OMNI_LAYOUT_STOP:
        fields = stop_fields;
        n = sizeof stop_fields / sizeof stop_fields[0];
        break;
    default:
        return NULL;
    }
    if (i < 0 || i >= n) return NULL;
    *offset = fields[i].offset;
    *size = fields[i].size;
    return fields[i].name;
}
