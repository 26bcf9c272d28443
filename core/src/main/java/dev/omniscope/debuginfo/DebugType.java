package dev.omniscope.debuginfo;

import java.util.List;

/**
 * A DWARF type DIE, with what formatting a value and naming the type need. Types refer to each
 * other by global DIE offset (the .debug_info offset of the DIE); 0 means none (void).
 *
 * @param offset       global DIE offset
 * @param tag          DW_TAG_* ({@link Dw}): base_type, pointer_type, reference_type,
 *                     rvalue_reference_type, const_type, volatile_type, restrict_type, typedef,
 *                     array_type, structure_type, class_type, union_type, enumeration_type,
 *                     subroutine_type, ptr_to_member_type, unspecified_type (nullptr_t), atomic_type
 * @param name         DW_AT_name, "" when none (for a C++ class, the name as in DWARF: "Box<int>")
 * @param qualifiedName C++ name with its namespaces and enclosing classes ("geo::Point"), else the name
 * @param byteSize     DW_AT_byte_size, -1 when absent (for a pointer without one: 8)
 * @param encoding     DW_AT_encoding of a base type (DW_ATE_*), 0 otherwise
 * @param target       the type it refers to (pointee, element, aliased, qualified, enum's underlying,
 *                     function's return type), 0 for void or none
 * @param declaration  DW_AT_declaration: an incomplete type (look for the complete one by name)
 * @param enumClass    DW_AT_enum_class
 * @param prototyped   a subroutine type's DW_AT_prototyped
 * @param varargs      a subroutine type with DW_TAG_unspecified_parameters
 * @param members      struct/class/union members, base classes (inheritance) and static members, in DIE order
 * @param enumerators  an enumeration's enumerators, in DIE order
 * @param dimensions   an array's element counts, outermost first (-1 when unknown, as in {@code int a[]})
 * @param parameters   a subroutine type's parameter types (offsets)
 * @param templateParameters a class or function template's parameters
 * @param language     the compile unit's DW_AT_language
 */
public record DebugType(long offset, int tag, String name, String qualifiedName, long byteSize, int encoding, long target,
                        boolean declaration, boolean enumClass, boolean prototyped, boolean varargs, List<Member> members,
                        List<Enumerator> enumerators, List<Long> dimensions, List<Long> parameters,
                        List<TemplateParameter> templateParameters, int language) {

    public DebugType {
        members = List.copyOf(members);
        enumerators = List.copyOf(enumerators);
        dimensions = List.copyOf(dimensions);
        parameters = List.copyOf(parameters);
        templateParameters = List.copyOf(templateParameters);
    }

    /**
     * A member, base class or static member.
     *
     * @param name        its name ("" for an anonymous struct or union member; a base class's is its type's name)
     * @param type        its type's offset
     * @param byteOffset  DW_AT_data_member_location in bytes (0 for a union member; -1 for a static member)
     * @param bitSize     DW_AT_bit_size of a bit field, 0 otherwise
     * @param bitOffset   a bit field's offset in bits from the start of the enclosing object
     *                    (DW_AT_data_bit_offset, or computed from DWARF 2's DW_AT_bit_offset and
     *                    DW_AT_byte_size), -1 when not a bit field
     * @param inheritance a base class (DW_TAG_inheritance)
     * @param isStatic    a static data member (a declaration; its storage is a variable elsewhere)
     * @param artificial  DW_AT_artificial (the vtable pointer {@code _vptr.Shape} is)
     * @param virtualBase a virtual base class (its offset is found through the vtable)
     * @param constantValue a static member's DW_AT_const_value (little-endian bytes), when it has one
     *                    instead of storage ({@code static const int sides = 4;}); else null
     */
    public record Member(String name, long type, long byteOffset, int bitSize, long bitOffset, boolean inheritance, boolean isStatic,
                         boolean artificial, boolean virtualBase, byte[] constantValue) {
        /** A member without a constant value. */
        public Member(String name, long type, long byteOffset, int bitSize, long bitOffset, boolean inheritance, boolean isStatic,
                      boolean artificial, boolean virtualBase) {
            this(name, type, byteOffset, bitSize, bitOffset, inheritance, isStatic, artificial, virtualBase, null);
        }
    }

    public record Enumerator(String name, long value) {}

    /**
     * A template parameter: a type parameter (DW_TAG_template_type_param: {@code type} set, no
     * value) or a value parameter (DW_TAG_template_value_param: its type and constant value).
     */
    public record TemplateParameter(String name, long type, Long value) {}
}
