package dev.omniscope.values;

/**
 * An expression that cannot be evaluated: a syntax error, an unknown name, a type error, memory
 * that cannot be read. The message is gdb's wording where gdb has one ("No symbol \"x\" in
 * current context.", "Attempt to take contents of a non-pointer value.").
 *
 * @see #position()
 */
public final class ExpressionException extends Exception {
    private final int position;

    /** @param position the offset in the expression's text where the error is, -1 when it is not about one place */
    public ExpressionException(String message, int position) {
        super(message);
        this.position = position;
    }

    public int position() {
        return position;
    }
}
