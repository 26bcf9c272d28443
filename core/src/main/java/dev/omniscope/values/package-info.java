/**
 * The value code: what a frame's variables and a C/C++ expression are worth at a moment, printed
 * exactly as gdb 13 prints them with its default settings. gdb is the oracle: every formatting
 * rule was checked against gdb's output for small gcc/g++ programs, and the tests quote it.
 *
 * <ul>
 *   <li>{@link dev.omniscope.values.FrameValues}: the entry points ({@code info args},
 *       {@code info locals}, {@code print}, children of a value).</li>
 *   <li>{@link dev.omniscope.values.FrameContext}: what the query layer supplies (a frame's DWARF,
 *       registers, memory, globals, symbols).</li>
 *   <li>{@link dev.omniscope.values.LocationEvaluator}: DWARF location expressions into
 *       {@link dev.omniscope.values.Location}s.</li>
 *   <li>{@link dev.omniscope.values.Unwinder}: one step of CFI unwinding
 *       ({@link dev.omniscope.values.FrameRegisters} of the caller, the callee's CFA).</li>
 *   <li>{@link dev.omniscope.values.TypeNames}: type names as {@code whatis} prints them.</li>
 *   <li>Internal: {@code Value} (typed contents, lazily read), {@code ValueReader} (a variable's
 *       location into a value), {@code GdbFormat}, {@code FloatFormat}, {@code CharFormat}
 *       (printing), {@code ExpressionParser}, {@code Expr}, {@code ExpressionEvaluator}
 *       (expressions), {@code Types}, {@code Session}.</li>
 * </ul>
 */
package dev.omniscope.values;
