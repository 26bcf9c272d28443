package dev.omniscope.debuginfo;

/** The DWARF constants the value code names (DWARF 5, with the GNU extensions gcc emits). */
public final class Dw {
    private Dw() {}

    // ---- tags
    public static final int TAG_ARRAY_TYPE = 0x01, TAG_CLASS_TYPE = 0x02, TAG_ENUMERATION_TYPE = 0x04, TAG_MEMBER = 0x0d,
            TAG_POINTER_TYPE = 0x0f, TAG_REFERENCE_TYPE = 0x10, TAG_STRUCTURE_TYPE = 0x13, TAG_SUBROUTINE_TYPE = 0x15,
            TAG_TYPEDEF = 0x16, TAG_UNION_TYPE = 0x17, TAG_INHERITANCE = 0x1c, TAG_PTR_TO_MEMBER_TYPE = 0x1f,
            TAG_BASE_TYPE = 0x24, TAG_CONST_TYPE = 0x26, TAG_VOLATILE_TYPE = 0x35, TAG_RESTRICT_TYPE = 0x37,
            TAG_UNSPECIFIED_TYPE = 0x3b, TAG_RVALUE_REFERENCE_TYPE = 0x42, TAG_ATOMIC_TYPE = 0x47;

    // ---- base type encodings
    public static final int ATE_ADDRESS = 0x1, ATE_BOOLEAN = 0x2, ATE_COMPLEX_FLOAT = 0x3, ATE_FLOAT = 0x4, ATE_SIGNED = 0x5,
            ATE_SIGNED_CHAR = 0x6, ATE_UNSIGNED = 0x7, ATE_UNSIGNED_CHAR = 0x8, ATE_UTF = 0x10;

    // ---- languages
    public static final int LANG_C89 = 0x01, LANG_C = 0x02, LANG_C_PLUS_PLUS = 0x04, LANG_C99 = 0x0c, LANG_C_PLUS_PLUS_03 = 0x19,
            LANG_C_PLUS_PLUS_11 = 0x1a, LANG_RUST = 0x1c, LANG_C11 = 0x1d, LANG_C_PLUS_PLUS_14 = 0x21, LANG_C17 = 0x2c;

    public static boolean isCxx(int language) {
        return language == LANG_C_PLUS_PLUS || language == LANG_C_PLUS_PLUS_03 || language == LANG_C_PLUS_PLUS_11
                || language == LANG_C_PLUS_PLUS_14 || language == 0x2b /* C++17 */ || language == 0x2d /* C++20 */;
    }

    // ---- operations
    public static final int OP_ADDR = 0x03, OP_DEREF = 0x06, OP_CONST1U = 0x08, OP_CONST1S = 0x09, OP_CONST2U = 0x0a,
            OP_CONST2S = 0x0b, OP_CONST4U = 0x0c, OP_CONST4S = 0x0d, OP_CONST8U = 0x0e, OP_CONST8S = 0x0f, OP_CONSTU = 0x10,
            OP_CONSTS = 0x11, OP_DUP = 0x12, OP_DROP = 0x13, OP_OVER = 0x14, OP_PICK = 0x15, OP_SWAP = 0x16, OP_ROT = 0x17,
            OP_XDEREF = 0x18, OP_ABS = 0x19, OP_AND = 0x1a, OP_DIV = 0x1b, OP_MINUS = 0x1c, OP_MOD = 0x1d, OP_MUL = 0x1e,
            OP_NEG = 0x1f, OP_NOT = 0x20, OP_OR = 0x21, OP_PLUS = 0x22, OP_PLUS_UCONST = 0x23, OP_SHL = 0x24, OP_SHR = 0x25,
            OP_SHRA = 0x26, OP_XOR = 0x27, OP_BRA = 0x28, OP_EQ = 0x29, OP_GE = 0x2a, OP_GT = 0x2b, OP_LE = 0x2c, OP_LT = 0x2d,
            OP_NE = 0x2e, OP_SKIP = 0x2f, OP_LIT0 = 0x30, OP_LIT31 = 0x4f, OP_REG0 = 0x50, OP_REG31 = 0x6f, OP_BREG0 = 0x70,
            OP_BREG31 = 0x8f, OP_REGX = 0x90, OP_FBREG = 0x91, OP_BREGX = 0x92, OP_PIECE = 0x93, OP_DEREF_SIZE = 0x94,
            OP_XDEREF_SIZE = 0x95, OP_NOP = 0x96, OP_PUSH_OBJECT_ADDRESS = 0x97, OP_CALL2 = 0x98, OP_CALL4 = 0x99,
            OP_CALL_REF = 0x9a, OP_FORM_TLS_ADDRESS = 0x9b, OP_CALL_FRAME_CFA = 0x9c, OP_BIT_PIECE = 0x9d,
            OP_IMPLICIT_VALUE = 0x9e, OP_STACK_VALUE = 0x9f, OP_IMPLICIT_POINTER = 0xa0, OP_ADDRX = 0xa1, OP_CONSTX = 0xa2,
            OP_ENTRY_VALUE = 0xa3, OP_CONST_TYPE = 0xa4, OP_REGVAL_TYPE = 0xa5, OP_DEREF_TYPE = 0xa6, OP_XDEREF_TYPE = 0xa7,
            OP_CONVERT = 0xa8, OP_REINTERPRET = 0xa9, OP_GNU_PUSH_TLS_ADDRESS = 0xe0, OP_GNU_UNINIT = 0xf0,
            OP_GNU_IMPLICIT_POINTER = 0xf2, OP_GNU_ENTRY_VALUE = 0xf3, OP_GNU_CONST_TYPE = 0xf4, OP_GNU_REGVAL_TYPE = 0xf5,
            OP_GNU_DEREF_TYPE = 0xf6, OP_GNU_CONVERT = 0xf7, OP_GNU_REINTERPRET = 0xf9, OP_GNU_PARAMETER_REF = 0xfa,
            OP_GNU_ADDR_INDEX = 0xfb, OP_GNU_CONST_INDEX = 0xfc, OP_GNU_VARIABLE_VALUE = 0xfd;

    // ---- x86-64 DWARF register numbers (System V psABI, figure 3.36)
    public static final int REG_RAX = 0, REG_RDX = 1, REG_RCX = 2, REG_RBX = 3, REG_RSI = 4, REG_RDI = 5, REG_RBP = 6, REG_RSP = 7,
            REG_R8 = 8, REG_R15 = 15, REG_RA = 16, REG_XMM0 = 17, REG_XMM15 = 32, REG_ST0 = 33, REG_ST7 = 40, REG_RFLAGS = 49,
            REG_FS_BASE = 58, REG_GS_BASE = 59;
}
