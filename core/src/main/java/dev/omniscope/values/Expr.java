package dev.omniscope.values;

import java.util.List;

/** The syntax tree of a C/C++ expression ({@link ExpressionParser}); every node knows where it starts in the text. */
sealed interface Expr {
    int pos();

    /** An integer literal with gdb's type rules: {@code unsigned}/{@code longs} from its suffix. */
    record IntLiteral(int pos, java.math.BigInteger value, boolean unsigned, int longs, boolean decimal) implements Expr {}

    /** A floating literal: {@code kind} is "float", "double" or "long double". */
    record FloatLiteral(int pos, double value, String kind) implements Expr {}

    record CharLiteral(int pos, long value) implements Expr {}

    record StringLiteral(int pos, byte[] bytes) implements Expr {}

    /** A name, possibly qualified ("geo::origin", "Derived::count"). */
    record Name(int pos, String name) implements Expr {}

    /** {@code $pc}, {@code $rsp}, {@code $rax}... */
    record Register(int pos, String name) implements Expr {}

    record Member(int pos, Expr object, String member, boolean arrow) implements Expr {}

    record Index(int pos, Expr array, Expr index) implements Expr {}

    /** A unary operator: one of {@code - + ! ~ * &}. */
    record Unary(int pos, String op, Expr operand) implements Expr {}

    record Binary(int pos, String op, Expr left, Expr right) implements Expr {}

    record Conditional(int pos, Expr condition, Expr then, Expr otherwise) implements Expr {}

    record Cast(int pos, TypeName type, Expr operand) implements Expr {}

    record SizeofType(int pos, TypeName type) implements Expr {}

    record SizeofExpr(int pos, Expr operand) implements Expr {}

    /**
     * A type as written in a cast or sizeof: a base ("unsigned long", "struct item", "item_t")
     * with pointer levels and array dimensions.
     *
     * @param keyword "struct", "union", "enum" or "" before the base name
     * @param base    the base type's name, canonical for the C base types ("unsigned long")
     * @param isBase  whether {@code base} is a C base type (built from keywords)
     * @param pointers the number of {@code *}
     * @param dimensions array dimensions, outermost first
     */
    record TypeName(String keyword, String base, boolean isBase, boolean isConst, int pointers, List<Long> dimensions) {}
}
