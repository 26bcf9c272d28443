package dev.omniscope.values;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.Dw;

/** One evaluation in one frame: the frame, and the types of its module and of any other module a global came from. */
final class Session {
    final FrameContext ctx;
    final Types types;
    private final Map<DebugInfo, Types> others = new IdentityHashMap<>();

    Session(FrameContext ctx) {
        this.ctx = ctx;
        List<DebugScope> scopes = ctx.scopes();
        int language = scopes.isEmpty() ? Dw.LANG_C99 : scopes.get(scopes.size() - 1).language();
        this.types = new Types(ctx.debugInfo(), language);
        others.put(ctx.debugInfo(), types);
    }

    Types typesOf(DebugInfo info) {
        return others.computeIfAbsent(info, i -> new Types(i, types.language));
    }

    boolean cxx() {
        return types.cxx();
    }

    /**
     * A static data member of {@code owner}: its storage (a variable elsewhere, named
     * Owner::member), else the constant the class declares ({@code static const int sides = 4;}),
     * else null.
     */
    Value staticMember(Types t, dev.omniscope.debuginfo.DebugType owner, dev.omniscope.debuginfo.DebugType.Member m) {
        String qualified = (owner.qualifiedName().isEmpty() ? owner.name() : owner.qualifiedName()) + "::" + m.name();
        java.util.Optional<FrameContext.Global> g = ctx.global(qualified);
        if (g.isPresent()) return global(g.get());
        if (m.constantValue() == null) return null;
        dev.omniscope.debuginfo.DebugType mt = t.get(m.type());
        long size = Math.max(0, t.size(mt));
        byte[] bytes = java.util.Arrays.copyOf(m.constantValue(), (int) Math.min(Math.max(size, 0), 1 << 16));
        return Value.ofBytes(t, mt, bytes, null, ctx);
    }

    /** The value of a global or static variable. */
    Value global(FrameContext.Global g) {
        Types t = typesOf(g.debugInfo());
        return Value.inMemory(t, t.get(g.type()), g.address(), ctx);
    }
}
