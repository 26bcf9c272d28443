# libomnirecord.so: the recorder's ptrace helpers (native/record/omnirecord.h).
RECORD_SRC := $(wildcard record/*.c)
RECORD_HDR := $(wildcard record/*.h)

all: $(BUILD)/libomnirecord.so

$(BUILD)/libomnirecord.so: $(RECORD_SRC) $(RECORD_HDR) record/record.mk
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $(RECORD_SRC)
