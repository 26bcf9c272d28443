# libomnireplay.so: the replay engine's native half (Unicorn emulator core with its hooks,
# Capstone disassembly, ELF symbols and DWARF lines through elfutils). Every .c file here is part
# of it; headers are mirrored by jnr-ffi interfaces in indexer/src/main/java/dev/omniscope/indexer/.
REPLAY_SRC := $(wildcard replay/*.c)
REPLAY_HDR := $(wildcard replay/*.h)
# libstdc++ for __cxa_demangle (C++ symbol names in elfinfo.c).
REPLAY_LIBS := -lunicorn -lcapstone -ldw -lelf -lstdc++

ifneq ($(REPLAY_SRC),)
all: $(BUILD)/libomnireplay.so
endif

$(BUILD)/libomnireplay.so: $(REPLAY_SRC) $(REPLAY_HDR) replay/replay.mk
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O3 -fPIC -shared -o $@ $(REPLAY_SRC) $(REPLAY_LIBS)
