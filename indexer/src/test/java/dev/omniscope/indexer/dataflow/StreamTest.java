package dev.omniscope.indexer.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A stream's bookkeeping, in the orders the syscalls table gives: a read that blocked carries the
 * step it entered at, so it comes before the write that woke it.
 */
class StreamTest {
    private static IoCall write(long step) {
        return new IoCall(1, 1, step, "write", 4, null, null, null, 0, 0, ProcessMemory.Lazy.of(List.of()), ProcessMemory.Lazy.of(null));
    }

    @Test
    void readsTakeTheBytesWrittenInWriterOrderWhateverTheirRowOrder() {
        Stream s = new Stream(false);
        long first = s.take(5, false); // blocked: its row precedes the writes
        IoCall a = write(10), b = write(20);
        s.append(a, 3, List.of());
        s.append(b, 4, List.of());
        long peeked = s.take(2, true), second = s.take(2, false);
        assertThat(first).isZero();
        assertThat(peeked).isEqualTo(5);
        assertThat(second).isEqualTo(5);
        assertThat(s.chunkAt(first + 2).write()).isSameAs(a);
        assertThat(s.chunkAt(first + 3).write()).isSameAs(b);
        assertThat(s.chunkAt(second + 1)).isEqualTo(new Stream.Chunk(3, 4, b, 0, List.of()));
        assertThat(s.chunkAt(7)).isNull();
    }

    @Test
    void datagramReadsTakeWholeMessages() {
        Stream s = new Stream(true);
        s.append(write(1), 10, List.of());
        s.append(write(2), 4, List.of());
        assertThat(s.take(3, true)).isZero();
        assertThat(s.take(3, false)).isZero(); // truncated: the rest of the message is gone
        assertThat(s.take(4, false)).isEqualTo(1);
        assertThat(s.message(1).position()).isEqualTo(10);
    }

    @Test
    void passedDescriptorsStandForTheSendersOnceBothAreKnown() {
        Stream s = new Stream(false);
        Description sent = new Description("pipe", null, null), early = new Description("unknown", null, null),
                late = new Description("unknown", null, null);
        s.append(write(1), 2, List.of());
        s.receive(s.take(1, false), 1, List.of(early)); // before the send with rights: linked when it comes
        s.receive(s.take(1, false), 1, List.of(new Description("unknown", null, null))); // no rights in its bytes
        assertThat(early.resolved()).isSameAs(early);
        long at = s.take(1, false);
        s.append(write(2), 1, List.of(sent));
        assertThat(early.resolved()).isSameAs(early);
        s.receive(at, 1, List.of(late));
        assertThat(late.resolved()).isSameAs(sent);

        Stream t = new Stream(false);
        t.receive(t.take(1, false), 1, List.of(early)); // the read blocked before the send
        t.append(write(3), 1, List.of(sent));
        assertThat(early.resolved()).isSameAs(sent);
    }

    @Test
    void aCallNotModelledLosesThePositionsAfterIt() {
        Stream s = new Stream(false);
        s.append(write(1), 2, List.of());
        s.lose(true);
        s.append(write(2), 2, List.of());
        assertThat(s.chunkAt(2)).isNull();
        s.lose(false);
        assertThat(s.take(1, false)).isEqualTo(-1);
    }
}
