# gdb Python script behind check-watch.sh: stops at main, sets a hardware watchpoint with
# `watch -l VAR`, continues to the end and writes the new value at every watchpoint stop, one per
# line, to $CHECK_WATCH_OUT, and creates $CHECK_WATCH_OUT.done when it got to the end. Run as: gdb -nx -batch -x check-watch.py --args PROGRAM ARGS...
import os

import gdb

var = os.environ["CHECK_WATCH_VAR"]
out = open(os.environ["CHECK_WATCH_OUT"], "w")

for setting in ("pagination off", "confirm off", "startup-with-shell off", "width 0",
                "print elements unlimited", "follow-fork-mode parent", "detach-on-fork on"):
    gdb.execute("set " + setting)
# Signals the test programs use on purpose: deliver them without stopping.
for sig in ("SIGALRM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPIPE", "SIGVTALRM", "SIGPROF",
            "SIGWINCH", "SIGIO", "SIGURG"):
    gdb.execute("handle %s nostop noprint pass" % sig, to_string=True)

gdb.execute("tbreak main", to_string=True)
gdb.execute("run", to_string=True)
if gdb.selected_inferior().pid == 0:
    raise gdb.GdbError("check-watch: the program ended before main")

addr = gdb.parse_and_eval("&(%s)" % var)   # -location semantics: this address, whatever the frame
before = set(gdb.breakpoints() or ())
gdb.execute("watch -l %s" % var)
watch = [b for b in (gdb.breakpoints() or ()) if b not in before][0]
if watch.type != gdb.BP_HARDWARE_WATCHPOINT:
    raise gdb.GdbError("check-watch: gdb could not make a hardware watchpoint for %s" % var)


def value_text():
    return addr.dereference().format_string(repeat_threshold=0)


def on_stop(event):
    if isinstance(event, gdb.BreakpointEvent) and watch in event.breakpoints:
        out.write(value_text() + "\n")
        out.flush()


gdb.events.stop.connect(on_stop)
while gdb.selected_inferior().pid != 0:
    gdb.execute("continue")
out.close()
open(os.environ["CHECK_WATCH_OUT"] + ".done", "w").close()  # check-watch.sh trusts nothing else
