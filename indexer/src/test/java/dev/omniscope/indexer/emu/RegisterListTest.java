package dev.omniscope.indexer.emu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.omniscope.trace.Registers;

/**
 * {@link Registers} is Java's one list of register ids; native/replay/emu.h is the C code's. This
 * reads the header from the source tree and checks that both say the same: the register enum
 * (OMNI_R15 = 0 ... OMNI_GS, OMNI_NREGS) against Registers' ids, names and COUNT, and the
 * register-row ids OMNI_REG_XMM0 and OMNI_REG_MXCSR.
 */
class RegisterListTest {
    /** native/replay/emu.h: omni.native.dir is native/build. */
    private static String header() throws IOException {
        Path h = Path.of(System.getProperty("omni.native.dir")).resolveSibling("replay").resolve("emu.h");
        // Without comments, so that only declarations are read.
        return Files.readString(h).replaceAll("//[^\n]*", "").replaceAll("(?s)/\\*.*?\\*/", "");
    }

    /** The enumerators of the enum that declares OMNI_R15, in order, each with its value. */
    private static List<String> registerEnum(String header) {
        Matcher m = Pattern.compile("enum\\s*\\{([^}]*\\bOMNI_R15\\b[^}]*)}").matcher(header);
        assertThat(m.find()).as("emu.h declares the register enum (OMNI_R15 ...)").isTrue();
        List<String> names = new ArrayList<>();
        int next = 0;
        for (String item : m.group(1).split(",")) {
            item = item.strip();
            if (item.isEmpty()) continue;
            String[] parts = item.split("=");
            String name = parts[0].strip();
            int value = parts.length > 1 ? Integer.decode(parts[1].strip()) : next;
            assertThat(value).as("value of %s in emu.h", name).isEqualTo(names.size());
            names.add(name);
            next = value + 1;
        }
        return names;
    }

    private static int define(String header, String name) {
        Matcher m = Pattern.compile("#define\\s+" + name + "\\s+\\(?\\s*(\\w+)\\s*\\)?\\s*\n").matcher(header);
        assertThat(m.find()).as("emu.h defines %s", name).isTrue();
        return Integer.decode(m.group(1));
    }

    @Test
    void generalRegistersAreEmuHsEnum() throws Exception {
        List<String> cNames = registerEnum(header());
        assertThat(cNames).last().isEqualTo("OMNI_NREGS");
        List<String> regs = cNames.subList(0, cNames.size() - 1);
        assertThat(regs).hasSize(Registers.COUNT);
        for (int id = 0; id < regs.size(); id++) {
            String constant = regs.get(id).substring("OMNI_".length());
            assertThat(Registers.name(id)).as("name of register %d", id).isEqualTo(constant.toLowerCase(Locale.ROOT));
            assertThat(Registers.class.getField(constant).getInt(null)).as("Registers.%s", constant).isEqualTo(id);
        }
    }

    @Test
    void rowIdsAreEmuHs() throws IOException {
        String header = header();
        assertThat(Registers.XMM0).isEqualTo(define(header, "OMNI_REG_XMM0"));
        assertThat(Registers.MXCSR).isEqualTo(define(header, "OMNI_REG_MXCSR"));
        assertThat(Registers.XMM0 + Registers.XMM_COUNT).isLessThanOrEqualTo(Registers.MXCSR);
        assertThat(Registers.name(Registers.XMM0 + 3)).isEqualTo("xmm3");
        assertThat(Registers.name(Registers.MXCSR)).isEqualTo("mxcsr");
        // reg_changes.reg (docs/index-format.md): no orig_rax or segment selector, rip included.
        assertThat(Registers.rowIds()).hasSize(Registers.COUNT - 7 + Registers.XMM_COUNT + 1)
                .contains(Registers.RIP, Registers.EFLAGS, Registers.XMM0 + 15, Registers.MXCSR)
                .doesNotContain(Registers.ORIG_RAX, Registers.CS, Registers.GS).isSorted();
    }
}
