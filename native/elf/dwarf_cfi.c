// Call frame information at a pc, from the module's .eh_frame (which needs no DWARF: libc has it
// when its debug info is missing) or else from .debug_frame: the CFA and the rules of the DWARF
// registers 0-16 (rax..r15 and the return address), as libdw's dwarf_frame_cfa and
// dwarf_frame_register express them.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <stdlib.h>

#define CFI_REGISTERS 17

static Dwarf_CFI *eh_frame(omni_elf *h) {
    if (!h->eh_cfi_tried) {
        h->eh_cfi_tried = true;
        h->eh_cfi = dwarf_getcfi_elf(h->elf);
    }
    return h->eh_cfi;
}

void free_cfi(omni_elf *h) {
    if (h->eh_cfi) dwarf_cfi_end(h->eh_cfi);
    h->eh_cfi = NULL;
}

int64_t omni_elf_cfi_at(omni_elf *h, uint64_t pc) {
    res_reset(h);
    Dwarf_Frame *frame = NULL;
    Dwarf_CFI *eh = eh_frame(h);
    if (!eh || dwarf_cfi_addrframe(eh, pc, &frame) != 0) {
        frame = NULL;
        Dwarf_CFI *debug = h->dwarf ? dwarf_getcfi(h->dwarf) : NULL; // owned by h->dwarf
        if (!debug || dwarf_cfi_addrframe(debug, pc, &frame) != 0) return res_done(h);
    }
    Dwarf_Addr start = 0, end = 0;
    int ra = dwarf_frame_info(frame, &start, &end, NULL);
    Dwarf_Op *ops;
    size_t nops;
    res_u64(h, start);
    res_u64(h, end);
    res_u32(h, ra < 0 ? 16 : (uint32_t)ra);
    if (dwarf_frame_cfa(frame, &ops, &nops) != 0) nops = 0;
    if (nops == 1 && ops[0].atom == DW_OP_bregx && ops[0].number < 32) {
        // libdw spells the register+offset rule DW_OP_bregx; the short form says the same.
        Dwarf_Op breg = {.atom = (uint8_t)(DW_OP_breg0 + ops[0].number), .number = ops[0].number2};
        res_ops(h, NULL, 0, &breg, 1, 0);
    } else {
        res_ops(h, NULL, 0, ops, nops, 0);
    }
    size_t count_at = res_mark(h);
    uint32_t count = 0;
    for (int reg = 0; reg < CFI_REGISTERS && !h->oom; reg++) {
        Dwarf_Op mem[3];
        if (dwarf_frame_register(frame, reg, mem, &ops, &nops) != 0) continue;
        res_u32(h, (uint32_t)reg);
        if (nops == 0) {
            res_u8(h, ops == NULL ? OMNI_ELF_RULE_SAME_VALUE : OMNI_ELF_RULE_UNDEFINED);
            res_u32(h, 0);
        } else {
            res_u8(h, OMNI_ELF_RULE_EXPRESSION);
            res_ops(h, NULL, 0, ops, nops, 0);
        }
        count++;
    }
    res_patch_u32(h, count_at, count);
    free(frame);
    return res_done(h);
}
