# build/tests/*: the programs the recorder and indexer test suites record, the benchmarks and the
# demo (native/testprogs/README.md lists them with their expected output and watchable globals).
# Own flags (TP_*), not CFLAGS: these must stay -O0 with frame pointers unless a program says
# otherwise, whatever the libraries are built with.

TP_OUT      := $(BUILD)/tests
TP_OPT      := -O0
TP_WARN     := -Wall -Wextra
TP_CFLAGS    = -g $(TP_OPT) -fno-omit-frame-pointer -std=gnu11 $(TP_WARN) $(TP_EXTRA)
TP_CXXFLAGS  = -g $(TP_OPT) -fno-omit-frame-pointer -std=gnu++17 $(TP_WARN) $(TP_EXTRA)
TP_EXTRA    :=
TP_LDFLAGS  :=
TP_LDLIBS   :=

TESTPROGS := hello_static hello_dynamic counter cxx_exceptions threads_mutex fork_exec_wait fork_global \
             signals memory_maps pipes_sockets time_random compute copy_io loop100m calls demo_bug \
             isa_probe cpu_dispatch spawns many_mappings alarm_loop values_c_O0 values_c_O2 values_cxx \
             values_threads values_opt_O2 values_opt_Og values_cpp2_O0 values_cpp2_O2 \
             dataflow_file dataflow_fork_pipe dataflow_sources dataflow_cxx crash_segv
TESTPROGS_BIN := $(addprefix $(TP_OUT)/,$(TESTPROGS))

.PHONY: testprogs
all: $(TESTPROGS_BIN)
testprogs: $(TESTPROGS_BIN)

# Per-program settings.
$(TP_OUT)/hello_static:  TP_LDFLAGS := -static
$(TP_OUT)/threads_mutex: TP_LDLIBS  := -pthread
$(TP_OUT)/compute:       TP_OPT     := -O2
$(TP_OUT)/copy_io:       TP_OPT     := -O2
$(TP_OUT)/loop100m:      TP_OPT     := -O1
$(TP_OUT)/cpu_dispatch:  TP_OPT     := -O1
# demo_bug: keep globals in definition order, so balance lies right after owner[8].
$(TP_OUT)/demo_bug:      TP_EXTRA   := -fno-toplevel-reorder

$(TP_OUT)/values_threads: TP_LDLIBS := -pthread

# One C file per program, except those below.
$(TP_OUT)/%: testprogs/%.c testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

$(TP_OUT)/cxx_exceptions: testprogs/cxx_exceptions.cpp testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CXX) $(TP_CXXFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

# dataflow_cxx (issue 13): C++ at -O0.
$(TP_OUT)/dataflow_cxx: testprogs/dataflow_cxx.cpp testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CXX) $(TP_CXXFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

# values_c (the gdb oracle of issue 12): one source, built at -O0 and at -O2 (without frame
# pointers: frames found by CFI only, values in registers and location lists).
$(TP_OUT)/values_c_O0: testprogs/values_c.c testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

$(TP_OUT)/values_c_O2: TP_OPT := -O2
$(TP_OUT)/values_c_O2: TP_EXTRA := -fomit-frame-pointer
$(TP_OUT)/values_c_O2: testprogs/values_c.c testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

$(TP_OUT)/values_cxx: testprogs/values_cxx.cpp testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CXX) $(TP_CXXFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

# values_opt: optimised code (inlined functions, registers, location lists) at -O2 and -Og, without
# frame pointers.
$(TP_OUT)/values_opt_O2: TP_OPT := -O2
$(TP_OUT)/values_opt_Og: TP_OPT := -Og
$(TP_OUT)/values_opt_O2 $(TP_OUT)/values_opt_Og: TP_EXTRA := -fomit-frame-pointer
$(TP_OUT)/values_opt_O2 $(TP_OUT)/values_opt_Og: testprogs/values_opt.c testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

# values_cpp2: more C++ (templates, multiple inheritance, lambdas, ...) at -O0 and -O2.
$(TP_OUT)/values_cpp2_O2: TP_OPT := -O2
$(TP_OUT)/values_cpp2_O0 $(TP_OUT)/values_cpp2_O2: testprogs/values_cpp2.cpp testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CXX) $(TP_CXXFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_LDLIBS)

# calls: calls.c at -O0, calls_tail.c at -O2 (sibling calls become jumps).
$(TP_OUT)/obj/calls_tail.o: TP_OPT := -O2
$(TP_OUT)/obj/calls_tail.o: testprogs/calls_tail.c testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) -c -o $@ $<

$(TP_OUT)/calls: testprogs/calls.c $(TP_OUT)/obj/calls_tail.o testprogs/testprogs.mk
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) $(TP_LDFLAGS) -o $@ $< $(TP_OUT)/obj/calls_tail.o $(TP_LDLIBS)

# Runs every program against its documented output and the gdb watch sequences (README.md).
.PHONY: check-testprogs
check-testprogs: $(TESTPROGS_BIN)
	testprogs/selftest.sh $(TP_OUT)
