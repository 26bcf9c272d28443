# libomnireplay.so: the replay engine's native half: the Unicorn emulator core with its hooks and
# Capstone disassembly. Every .c file here is part of it, each compiled on its own (they share
# emu_internal.h, which lists them); emu.h is mirrored by the jnr-ffi interface
# indexer/src/main/java/dev/omniscope/indexer/emu/EmuNative.java.
REPLAY_SRC := $(wildcard replay/*.c)
REPLAY_HDR := $(wildcard replay/*.h)
REPLAY_LIBS := -lunicorn -lcapstone

all: $(BUILD)/libomnireplay.so

$(BUILD)/libomnireplay.so: $(REPLAY_SRC) $(REPLAY_HDR) replay/replay.mk
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O3 -fPIC -shared -o $@ $(REPLAY_SRC) $(REPLAY_LIBS)
