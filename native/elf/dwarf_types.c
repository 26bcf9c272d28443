// A type DIE by its global offset, with what printing a value of it takes: size, encoding, the
// type it refers to, members (with bit fields as offsets in bits from the start of the object,
// least significant bit first, whether DWARF 4+ DW_AT_data_bit_offset or DWARF 2/3 DW_AT_bit_offset
// gives them), base classes, static members, enumerators, array dimensions, parameter types and
// template parameters.
//
// A hostile offset may land inside a DIE: libdw then decodes garbage within the section's bounds,
// which yields no type or a meaningless one, never a read outside the file. Children are bounded
// by MAX_CHILDREN and must move forward (next_sibling).
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <string.h>

#define MAX_CHILDREN 65536

static bool is_type_tag(int tag) {
    switch (tag) {
    case DW_TAG_base_type:
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_typedef:
    case DW_TAG_array_type:
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
    case DW_TAG_enumeration_type:
    case DW_TAG_subroutine_type:
    case DW_TAG_ptr_to_member_type:
    case DW_TAG_unspecified_type:
    case DW_TAG_atomic_type:
        return true;
    default:
        return false;
    }
}

static bool die_flag(Dwarf_Die *die, int name) {
    Dwarf_Attribute a;
    bool v = false;
    dwarf_formflag(dwarf_attr(die, name, &a), &v);
    return v;
}

static bool die_udata(Dwarf_Die *die, int name, bool integrate, Dwarf_Word *out) {
    Dwarf_Attribute a;
    return dwarf_formudata(integrate ? dwarf_attr_integrate(die, name, &a) : dwarf_attr(die, name, &a), out) == 0;
}

static uint64_t ref_offset(Dwarf_Die *die, int name, Dwarf_Die *out) {
    Dwarf_Attribute a;
    Dwarf_Die mem;
    Dwarf_Die *t = dwarf_formref_die(dwarf_attr_integrate(die, name, &a), out ? out : &mem);
    return t ? dwarf_dieoffset(t) : 0;
}

static bool is_constant_form(int form) {
    switch (form) {
    case DW_FORM_data1:
    case DW_FORM_data2:
    case DW_FORM_data4:
    case DW_FORM_data8:
    case DW_FORM_data16:
    case DW_FORM_sdata:
    case DW_FORM_udata:
    case DW_FORM_implicit_const:
        return true;
    default:
        return false;
    }
}

// DW_AT_data_member_location: a constant, or DWARF 2's expression DW_OP_plus_uconst N. A virtual
// base's expression reads the vtable: no fixed offset.
static bool member_location(Dwarf_Die *m, int64_t *out) {
    Dwarf_Attribute a;
    if (!dwarf_attr(m, DW_AT_data_member_location, &a)) return false;
    if (is_constant_form(dwarf_whatform(&a))) return const_int(NULL, &a, out);
    Dwarf_Op *ops;
    size_t n;
    if (dwarf_getlocation(&a, &ops, &n) != 0) return false;
    if (n == 1 && ops[0].atom == DW_OP_plus_uconst) {
        *out = (int64_t)ops[0].number;
        return true;
    }
    if (n == 2 && ops[0].atom >= DW_OP_lit0 && ops[0].atom <= DW_OP_lit31 && ops[1].atom == DW_OP_plus) {
        *out = ops[0].atom - DW_OP_lit0;
        return true;
    }
    return false;
}

static void put_member(omni_elf *h, Dwarf_Die *m, int tag) {
    const char *name = die_name(m);
    Dwarf_Die type;
    uint64_t type_off = ref_offset(m, DW_AT_type, &type);
    bool inheritance = tag == DW_TAG_inheritance;
    if (!name && inheritance && type_off) name = die_name(&type);
    bool is_static = tag == DW_TAG_variable ||
                     (tag == DW_TAG_member && (die_flag(m, DW_AT_external) || die_flag(m, DW_AT_declaration)));
    Dwarf_Word virtuality = 0;
    bool virtual_base = inheritance && die_udata(m, DW_AT_virtuality, false, &virtuality) && virtuality != 0;

    int64_t byte_offset = 0, bit_offset = -1;
    Dwarf_Word bit_size = 0;
    bool has_location = member_location(m, &byte_offset);
    if (is_static) byte_offset = -1;
    else if (!has_location && virtual_base) byte_offset = -1;
    if (!is_static && die_udata(m, DW_AT_bit_size, false, &bit_size) && bit_size > 0) {
        Dwarf_Word v, storage;
        if (die_udata(m, DW_AT_data_bit_offset, false, &v)) {
            bit_offset = (int64_t)v;
        } else if (die_udata(m, DW_AT_bit_offset, false, &v)) {
            // DWARF 2/3 count from the most significant bit of a storage unit of DW_AT_byte_size
            // (or the type's size) at DW_AT_data_member_location.
            if (!die_udata(m, DW_AT_byte_size, false, &storage) && (!type_off || dwarf_aggregate_size(&type, &storage) != 0))
                storage = 0;
            bit_offset = byte_offset * 8 + (int64_t)(storage * 8) - (int64_t)v - (int64_t)bit_size;
        } else {
            bit_offset = byte_offset * 8;
        }
        if (!has_location) byte_offset = bit_offset >= 0 ? bit_offset / 8 : 0;
    } else {
        bit_size = 0;
    }
    res_str(h, name ? name : "");
    res_u64(h, type_off);
    res_u64(h, (uint64_t)byte_offset);
    res_u32(h, bit_size <= UINT32_MAX ? (uint32_t)bit_size : 0);
    res_u64(h, (uint64_t)bit_offset);
    // a static member without storage (static const int sides = 4;) has its value here
    Dwarf_Attribute cv;
    bool constant = is_static && dwarf_attr_integrate(m, DW_AT_const_value, &cv) != NULL;
    res_u8(h, (inheritance ? 1 : 0) | (is_static ? 2 : 0) | (die_flag(m, DW_AT_artificial) ? 4 : 0) |
                  (virtual_base ? 8 : 0) | (constant ? 16 : 0));
    if (constant) put_const_value(h, m, &cv);
}

// An array dimension's element count: DW_AT_count, or DW_AT_upper_bound - DW_AT_lower_bound + 1
// (lower bound 0 by default); -1 when unknown or not constant (a variable-length array).
static int64_t dimension(Dwarf_Die *sub) {
    Dwarf_Attribute a;
    int64_t v, lower = 0;
    if (dwarf_attr(sub, DW_AT_count, &a)) return is_constant_form(dwarf_whatform(&a)) && const_int(NULL, &a, &v) ? v : -1;
    if (!dwarf_attr(sub, DW_AT_upper_bound, &a) || !is_constant_form(dwarf_whatform(&a)) || !const_int(NULL, &a, &v))
        return -1;
    // An unsigned all-ones bound of a narrower form is -1 too: int a[0].
    int form = dwarf_whatform(&a);
    if ((form == DW_FORM_data1 && v == 0xff) || (form == DW_FORM_data2 && v == 0xffff) ||
        (form == DW_FORM_data4 && v == 0xffffffffLL))
        v = -1;
    Dwarf_Attribute l;
    if (dwarf_attr(sub, DW_AT_lower_bound, &l) && !(is_constant_form(dwarf_whatform(&l)) && const_int(NULL, &l, &lower)))
        return -1;
    return v - lower + 1 < 0 ? 0 : v - lower + 1;
}

int64_t omni_elf_type(omni_elf *h, uint64_t offset) {
    res_reset(h);
    if (load_index(h) < 0) return -1;
    Dwarf_Die die;
    if (!h->dwarf || offset == 0 || !dwarf_offdie(h->dwarf, offset, &die)) return res_done(h);
    int tag = dwarf_tag(&die);
    if (!is_type_tag(tag)) return res_done(h);

    Dwarf_Die cudie;
    int language = dwarf_diecu(&die, &cudie, NULL, NULL) ? dwarf_srclang(&cudie) : 0;
    const char *name = die_name(&die);
    const char *qualified = indexed_name(h, &die);
    Dwarf_Word size, encoding = 0;
    int64_t byte_size = -1;
    Dwarf_Die target;
    uint64_t target_off = ref_offset(&die, DW_AT_type, &target);
    if (die_udata(&die, DW_AT_byte_size, true, &size)) byte_size = (int64_t)size;
    else if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type)
        byte_size = 8;
    else if (tag == DW_TAG_ptr_to_member_type) // a pointer to a member function is two words
        byte_size = target_off && dwarf_tag(&target) == DW_TAG_subroutine_type ? 16 : 8;
    die_udata(&die, DW_AT_encoding, false, &encoding);

    res_u64(h, dwarf_dieoffset(&die));
    res_u32(h, (uint32_t)tag);
    res_str(h, name ? name : "");
    res_str(h, qualified ? qualified : name ? name : "");
    res_u64(h, (uint64_t)byte_size);
    res_u32(h, (uint32_t)encoding);
    res_u64(h, target_off);

    // Children, by kind: members, enumerators, dimensions, parameters, template parameters.
    bool varargs = false;
    size_t counts[5];
    for (int pass = 0; pass < 5; pass++) {
        counts[pass] = res_mark(h);
        uint32_t n = 0;
        Dwarf_Die child;
        if (dwarf_child(&die, &child) != 0) continue;
        int visited = 0;
        do {
            int ct = dwarf_tag(&child);
            if (pass == 0 && (ct == DW_TAG_member || ct == DW_TAG_inheritance ||
                              (ct == DW_TAG_variable && tag != DW_TAG_subroutine_type))) {
                put_member(h, &child, ct);
            } else if (pass == 1 && ct == DW_TAG_enumerator) {
                Dwarf_Attribute a;
                int64_t v = 0;
                const char *en = die_name(&child);
                if (dwarf_attr(&child, DW_AT_const_value, &a)) const_int(&die, &a, &v);
                res_str(h, en ? en : "");
                res_u64(h, (uint64_t)v);
            } else if (pass == 2 && tag == DW_TAG_array_type && ct == DW_TAG_subrange_type) {
                res_u64(h, (uint64_t)dimension(&child));
            } else if (pass == 3 && tag == DW_TAG_subroutine_type && ct == DW_TAG_formal_parameter) {
                res_u64(h, ref_offset(&child, DW_AT_type, NULL));
            } else if (pass == 3 && ct == DW_TAG_unspecified_parameters) {
                varargs = true;
                continue;
            } else if (pass == 4 && (ct == DW_TAG_template_type_parameter || ct == DW_TAG_template_value_parameter)) {
                const char *pn = die_name(&child);
                Dwarf_Attribute a;
                int64_t v = 0;
                bool has_value = ct == DW_TAG_template_value_parameter && dwarf_attr(&child, DW_AT_const_value, &a) &&
                                 const_int(&child, &a, &v);
                res_str(h, pn ? pn : "");
                res_u64(h, ref_offset(&child, DW_AT_type, NULL));
                res_u8(h, has_value);
                res_u64(h, (uint64_t)v);
            } else {
                continue;
            }
            n++;
        } while (!h->oom && ++visited < MAX_CHILDREN && next_sibling(&child));
        res_patch_u32(h, counts[pass], n);
    }
    uint8_t flags = (die_flag(&die, DW_AT_declaration) ? 1 : 0) | (die_flag(&die, DW_AT_enum_class) ? 2 : 0) |
                    (die_flag(&die, DW_AT_prototyped) ? 4 : 0) | (varargs ? 8 : 0);
    res_u8(h, flags);
    res_u32(h, language < 0 ? 0 : (uint32_t)language);
    return res_done(h);
}
