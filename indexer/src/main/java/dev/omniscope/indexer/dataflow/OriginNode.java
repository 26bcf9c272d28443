package dev.omniscope.indexer.dataflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A node of an origin tree (docs/api.md, "Origin"): where a value was produced. {@code kind}:
 * <ul>
 * <li>{@code compute}: an instruction computed it; {@code inputs} are the origins of what it read;
 * <li>{@code copy}: an instruction or a copying routine (memcpy, strcpy...) moved it; copies
 * appear in the {@code via} list of the node they lead to, nearest the question first, and as a
 * node of their own only where the bytes they moved came from several places ({@code inputs});
 * <li>{@code syscall}: the kernel wrote it (a system call's output, rdtsc), with {@code syscall};
 * <li>{@code initial}: it was there when the process (or the mapping) began, with {@code initial};
 * <li>{@code constant}: an immediate, a zero idiom, a return address, zero-filled memory;
 * <li>{@code unknown}: the index cannot say (a kernel write with no system call, a register the
 * index does not keep, a search that gave up).
 * </ul>
 * The node's moment is ({@code step}, {@code tid}) in process {@code pid}; {@code location} is
 * where its value lived then and {@code value} the value (hex, little-endian bytes read as one
 * number up to 8 bytes, else the bytes in memory order); {@code node} asks the same question again
 * ({@code origin?node=}), and {@code expand} is true when its inputs were left out (depth or
 * size limits): asking its {@code node} gives them. The fields every node has are always in its
 * JSON (null when not known); the others only where they apply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "step", "tid", "pid", "rip", "function", "file", "line", "disassembly", "location", "operand", "value",
        "routine", "caller", "syscall", "initial", "note", "node", "expand", "inputs", "via"})
public final class OriginNode {
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String kind;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Long step;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Integer tid;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Integer pid;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String rip;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String function;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String file;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Integer line;
    public String disassembly;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String location;
    /** As the instruction that read this value named it ("eax", "dword ptr [rbp - 0x14]"), for a node that is an input. */
    public String operand;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String value;
    /** A copying routine's name (memcpy, strcpy...), for a copy made by one. */
    public String routine;
    /** The function that called the copying routine. */
    public String caller;
    /** A syscall leaf's input: name, fd, path, offset, length (and peer, writer...). */
    public Map<String, Object> syscall;
    /** An initial leaf's place: what (argv, envp, auxv, image, mapping, registers) and its details. */
    public Map<String, Object> initial;
    public String note;
    public String node;
    public Boolean expand;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public List<OriginNode> inputs = new ArrayList<>();
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public List<OriginNode> via = new ArrayList<>();

    OriginNode(String kind) {
        this.kind = kind;
    }

    /** A shallow copy (inputs and via lists copied, their nodes shared). */
    OriginNode copy() {
        OriginNode n = new OriginNode(kind);
        n.step = step;
        n.tid = tid;
        n.pid = pid;
        n.rip = rip;
        n.function = function;
        n.file = file;
        n.line = line;
        n.disassembly = disassembly;
        n.location = location;
        n.operand = operand;
        n.value = value;
        n.routine = routine;
        n.caller = caller;
        n.syscall = syscall;
        n.initial = initial;
        n.note = note;
        n.node = node;
        n.expand = expand;
        n.inputs = new ArrayList<>(inputs);
        n.via = new ArrayList<>(via);
        return n;
    }
}
