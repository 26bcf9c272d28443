// DWARF expressions and locations, made self-contained for the result buffer (result.c): what
// libdw leaves as pointers into the file (DW_OP_implicit_value's block, DW_OP_entry_value's
// sub-expression, DW_OP_const_type's constant) is copied, unit-relative DIE references of the
// typed operations become global offsets, and DW_OP_addrx/DW_OP_constx are resolved through
// .debug_addr. A location is the expression of a DW_AT_location (or of the location-list entry
// covering a pc) or a DW_AT_const_value.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <string.h>

#define MAX_NESTED_EXPR 4 // DW_OP_entry_value within DW_OP_entry_value...

// The offset of the unit that holds a DIE: unit-relative references count from there.
uint64_t unit_start(Dwarf_Die *die) {
    Dwarf_Die cudie;
    if (!dwarf_diecu(die, &cudie, NULL, NULL)) return 0;
    return dwarf_dieoffset(&cudie) - dwarf_cuoffset(&cudie);
}

static void put_op(omni_elf *h, Dwarf_Attribute *attr, uint64_t cu_start, const Dwarf_Op *op, int depth) {
    uint8_t atom = op->atom;
    uint64_t number = op->number, number2 = op->number2;
    const void *block = NULL;
    size_t block_len = 0;
    Dwarf_Attribute nested_attr;
    Dwarf_Op *nested = NULL;
    size_t nnested = 0;
    Dwarf_Block b;
    switch (atom) {
    case DW_OP_implicit_value:
        number2 = 0; // libdw's pointer to the block
        if (attr && dwarf_getlocation_implicit_value(attr, op, &b) == 0) {
            block = b.data;
            block_len = b.length;
        }
        break;
    case DW_OP_entry_value:
    case DW_OP_GNU_entry_value:
        number2 = 0;
        if (attr && depth < MAX_NESTED_EXPR && dwarf_getlocation_attr(attr, op, &nested_attr) == 0 &&
            dwarf_getlocation(&nested_attr, &nested, &nnested) != 0) {
            nested = NULL;
            nnested = 0;
        }
        break;
    case DW_OP_const_type:
    case DW_OP_GNU_const_type:
        number2 = 0;
        if (number) number += cu_start;
        if (attr && dwarf_getlocation_attr(attr, op, &nested_attr) == 0 && dwarf_formblock(&nested_attr, &b) == 0) {
            block = b.data;
            block_len = b.length;
        }
        break;
    case DW_OP_convert:
    case DW_OP_GNU_convert:
    case DW_OP_reinterpret:
    case DW_OP_GNU_reinterpret:
    case DW_OP_GNU_parameter_ref:
    case DW_OP_call2:
    case DW_OP_call4:
        if (number) number += cu_start;
        break;
    case DW_OP_regval_type:
    case DW_OP_GNU_regval_type:
    case DW_OP_deref_type:
    case DW_OP_GNU_deref_type:
    case DW_OP_xderef_type:
        if (number2) number2 += cu_start;
        break;
    case DW_OP_addrx:
    case DW_OP_GNU_addr_index:
    case DW_OP_constx:
    case DW_OP_GNU_const_index: {
        // The evaluator cannot read .debug_addr: the value itself, as DW_OP_addr or DW_OP_const8u.
        Dwarf_Addr value;
        if (attr && dwarf_getlocation_attr(attr, op, &nested_attr) == 0 && dwarf_formaddr(&nested_attr, &value) == 0) {
            number = value;
            atom = atom == DW_OP_addrx || atom == DW_OP_GNU_addr_index ? DW_OP_addr : DW_OP_const8u;
        }
        break;
    }
    default:
        break;
    }
    res_u8(h, atom);
    res_u64(h, number);
    res_u64(h, number2);
    res_u64(h, op->offset);
    res_bytes(h, block, block ? block_len : 0);
    res_ops(h, nnested ? &nested_attr : NULL, cu_start, nested, nnested, depth + 1);
}

void res_ops(omni_elf *h, Dwarf_Attribute *attr, uint64_t cu_start, const Dwarf_Op *ops, size_t n, int depth) {
    if (depth > MAX_NESTED_EXPR || !ops) n = 0;
    res_u32(h, (uint32_t)n);
    for (size_t i = 0; i < n && !h->oom; i++) put_op(h, attr, cu_start, &ops[i], depth);
}

// Whether a DIE's type is a signed integer (or an enum over one), for widening constants of the
// DW_FORM_dataN forms, which say nothing of their sign.
static bool signed_type(Dwarf_Die *die) {
    Dwarf_Attribute a;
    Dwarf_Die t;
    Dwarf_Die *cur = dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), &t);
    for (int i = 0; cur && i < 8; i++) {
        int tag = dwarf_tag(cur);
        if (tag == DW_TAG_base_type) {
            Dwarf_Word enc = 0;
            dwarf_formudata(dwarf_attr(cur, DW_AT_encoding, &a), &enc);
            return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
        }
        if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type || tag == DW_TAG_structure_type) return false;
        cur = dwarf_formref_die(dwarf_attr_integrate(cur, DW_AT_type, &a), &t);
    }
    return false;
}

bool const_int(Dwarf_Die *die, Dwarf_Attribute *attr, int64_t *out) {
    Dwarf_Word u;
    Dwarf_Sword s;
    switch (dwarf_whatform(attr)) {
    case DW_FORM_sdata:
    case DW_FORM_implicit_const:
        if (dwarf_formsdata(attr, &s) != 0) return false;
        *out = s;
        return true;
    case DW_FORM_data1:
    case DW_FORM_data2:
    case DW_FORM_data4: {
        if (dwarf_formudata(attr, &u) != 0) return false;
        int bits = dwarf_whatform(attr) == DW_FORM_data1 ? 8 : dwarf_whatform(attr) == DW_FORM_data2 ? 16 : 32;
        if (die && signed_type(die) && (u >> (bits - 1)) & 1) u |= ~(Dwarf_Word)0 << bits;
        *out = (int64_t)u;
        return true;
    }
    default:
        if (dwarf_formudata(attr, &u) != 0) return false;
        *out = (int64_t)u;
        return true;
    }
}

// A DW_AT_const_value: a block's bytes, a string's with its NUL, a constant as 8 bytes.
void put_const_value(omni_elf *h, Dwarf_Die *die, Dwarf_Attribute *attr) {
    Dwarf_Block b;
    const char *s;
    int64_t v;
    switch (dwarf_whatform(attr)) {
    case DW_FORM_block:
    case DW_FORM_block1:
    case DW_FORM_block2:
    case DW_FORM_block4:
    case DW_FORM_exprloc:
        if (dwarf_formblock(attr, &b) == 0) {
            res_bytes(h, b.data, b.length);
            return;
        }
        break;
    case DW_FORM_string:
    case DW_FORM_strp:
    case DW_FORM_line_strp:
    case DW_FORM_strx:
    case DW_FORM_strx1:
    case DW_FORM_strx2:
    case DW_FORM_strx3:
    case DW_FORM_strx4:
    case DW_FORM_GNU_strp_alt:
        if ((s = dwarf_formstring(attr)) != NULL) {
            res_bytes(h, s, strnlen(s, MAX_RESULT_STRING) + 1);
            return;
        }
        break;
    default:
        if (const_int(die, attr, &v)) {
            uint8_t bytes[8];
            for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)((uint64_t)v >> (8 * i));
            res_bytes(h, bytes, 8);
            return;
        }
    }
    res_bytes(h, NULL, 0);
}

void res_location(omni_elf *h, Dwarf_Die *die, uint64_t pc, bool *is_static) {
    Dwarf_Attribute attr;
    if (is_static) *is_static = false;
    if (dwarf_attr_integrate(die, DW_AT_location, &attr)) {
        Dwarf_Op *expr;
        size_t len;
        int n = dwarf_getlocation_addr(&attr, pc, &expr, &len, 1);
        if (n > 0 && len > 0) {
            if (is_static && len == 1 && (expr[0].atom == DW_OP_addr || expr[0].atom == DW_OP_addrx ||
                                          expr[0].atom == DW_OP_GNU_addr_index))
                *is_static = true;
            res_u8(h, OMNI_ELF_LOC_EXPRESSION);
            res_ops(h, &attr, unit_start(die), expr, len, 0);
            return;
        }
    } else if (dwarf_attr_integrate(die, DW_AT_const_value, &attr)) {
        res_u8(h, OMNI_ELF_LOC_CONSTANT);
        put_const_value(h, die, &attr);
        return;
    }
    res_u8(h, OMNI_ELF_LOC_OPTIMIZED_OUT);
}
