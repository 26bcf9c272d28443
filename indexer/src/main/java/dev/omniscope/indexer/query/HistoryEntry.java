package dev.omniscope.indexer.query;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * One write to a watched range of memory: the document of {@code omni history --json} and of the
 * server's history endpoint. Addresses are "0x..." strings; bytes are lowercase hex in memory order.
 *
 * @param old    the bytes this write covered, before it
 * @param after  the whole watched range after this write
 * @param kernel written by the kernel (a system call's output, a signal frame), not an instruction
 */
@JsonSerialize(using = HistoryEntry.Json.class)
public record HistoryEntry(long step, int pid, int tid, String rip, String function, String file, Integer line,
                           String addr, int size, String old, @JsonProperty("new") String new_, String after, boolean kernel) {
    /**
     * The document written field by field: a history page is a thousand of these, and Jackson's
     * per-property path (a serializer looked up for each boxed value) took a third of a page's time.
     */
    static final class Json extends StdSerializer<HistoryEntry> {
        Json() {
            super(HistoryEntry.class);
        }

        @Override
        public void serialize(HistoryEntry e, JsonGenerator g, SerializationContext context) {
            g.writeStartObject(e);
            g.writeNumberProperty("step", e.step);
            g.writeNumberProperty("pid", e.pid);
            g.writeNumberProperty("tid", e.tid);
            g.writeStringProperty("rip", e.rip);
            g.writeStringProperty("function", e.function);
            g.writeStringProperty("file", e.file);
            g.writeName("line");
            if (e.line == null) g.writeNull();
            else g.writeNumber(e.line);
            g.writeStringProperty("addr", e.addr);
            g.writeNumberProperty("size", e.size);
            g.writeStringProperty("old", e.old);
            g.writeStringProperty("new", e.new_);
            g.writeStringProperty("after", e.after);
            g.writeBooleanProperty("kernel", e.kernel);
            g.writeEndObject();
        }
    }
}
