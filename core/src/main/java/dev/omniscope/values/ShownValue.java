package dev.omniscope.values;

/**
 * A value as a debugger shows it: a variable of a frame, the result of an expression, or a member
 * or element of either.
 *
 * @param name       the variable's or member's name, "[3]" for an element, the expression's text for a result
 * @param expression an expression that designates it in the same frame ("acc->balance", "items[3].name"),
 *                   for its history, its children and for hovering
 * @param type       the type as gdb names it ("struct item *", "char [16]", "const int &")
 * @param value      the value formatted as gdb prints it ({@code print} and {@code info locals}),
 *                   with gdb's limits (200 elements, repeats of 10 or more collapsed)
 * @param address    where it is in memory ("0x..."), null when it is not an lvalue in memory (a
 *                   register, a constant, an optimized-out or computed value)
 * @param size       its type's size in bytes (0 when unknown)
 * @param children   how many members or elements it can be expanded into (0: a scalar)
 */
public record ShownValue(String name, String expression, String type, String value, String address, long size, long children) {}
