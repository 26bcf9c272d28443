# libomnielf.so: ELF symbols, load segments, DWARF line tables and static variables of a module,
# through elfutils (native/elf/elfinfo.h, mirrored by recorder/.../symbols/ElfNative.java). The
# recorder uses it to carry sources and modules in a trace; the indexer to name addresses.
# Every .c file here is part of it; elf_internal.h says which holds what.
ELF_SRC := $(wildcard elf/*.c)
ELF_HDR := $(wildcard elf/*.h)
# libstdc++ for __cxa_demangle (C++ symbol names).
ELF_LIBS := -ldw -lelf -lstdc++

all: $(BUILD)/libomnielf.so

$(BUILD)/libomnielf.so: $(ELF_SRC) $(ELF_HDR) elf/elf.mk
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O2 -fPIC -shared -o $@ $(ELF_SRC) $(ELF_LIBS)
