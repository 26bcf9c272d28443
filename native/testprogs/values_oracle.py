# gdb Python script behind values-oracle.sh, the oracle of source-level values (issue 12).
#
# Run as: VALUES_ORACLE_OUT=FILE gdb -nx -batch -x values_oracle.py --args PROGRAM ARGS...
#
# Reads the marks from the program's source (the file of `main`, or $VALUES_ORACLE_SOURCE): a
# comment `/* MARK name: DIRECTIVE, DIRECTIVE... */` or `// MARK name: ...` on a line makes a
# `break FILE:LINE` there. Directives: `print EXPR` (printed at every stop, in every frame
# captured), `up N` (frames 1..N are captured as well as frame 0). The program then runs natively
# to its end; at every stop of one of these breakpoints it records the thread, `bt`'s frame count
# and, per captured frame, `info args`, `info locals` (parsed into name/value pairs, innermost
# block first, as gdb prints them) and `print EXPR` (the text after `$N = `, or gdb's error).
# At the end: each breakpoint's hit count and addresses, the exit code. The JSON document goes to
# $VALUES_ORACLE_OUT (stdout if unset), and $VALUES_ORACLE_OUT.done is created once it is
# complete (gdb -batch exits 0 even when a script fails). Shape: see README.md ("values-oracle.sh").
import json
import os
import re
import sys

import gdb

SETTINGS = ("startup-with-shell off", "disable-randomization on", "print pretty off", "pagination off",
            "width 0", "height 0", "confirm off", "print thread-events off", "debuginfod enabled off",
            # Only the program's own debug information, as a trace carries only the program's sources.
            "debug-file-directory /nonexistent")
for setting in SETTINGS:
    gdb.execute("set " + setting, to_string=True)

MARK = re.compile(r"(?:/\*|//)\s*MARK\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(.*?))?\s*(?:\*/|$)")
ASSIGNED = re.compile(r"^\$\d+ = ", re.S)
VARIABLE = re.compile(r"^(\S+) = (.*)$")
LOCATION = re.compile(r"^(\d+(?:\.\d+)?)\s.*?(0x[0-9a-f]+)\s+in\s+(.*?)\s+at\s+(\S+):(\d+)\s*$")


def split_top_level(text):
    """Splits on commas outside (), [] and {}."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def read_marks(source):
    marks = []
    with open(source, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            m = MARK.search(text)
            if not m:
                continue
            prints, up = [], 0
            for directive in split_top_level(m.group(2) or ""):
                if directive.startswith("print "):
                    prints.append(directive[len("print "):].strip())
                elif re.fullmatch(r"up \d+", directive):
                    up = int(directive.split()[1])
                else:
                    raise gdb.GdbError("%s:%d: unknown MARK directive %r" % (source, number, directive))
            marks.append({"name": m.group(1), "file": os.path.basename(source), "line": number,
                          "prints": prints, "up": up})
    names = [mk["name"] for mk in marks]
    if len(set(names)) != len(names):
        raise gdb.GdbError("duplicate MARK names in %s: %s" % (source, names))
    return marks


def parse_variables(text):
    """`info args` / `info locals` output as [{"name", "value"}]; None when gdb has no symbols here."""
    text = text.rstrip("\n")
    if text in ("No arguments.", "No locals."):
        return []
    if text.startswith("No symbol table info available."):
        return None
    result = []
    for line in text.split("\n"):
        m = VARIABLE.match(line)
        if not m:
            raise gdb.GdbError("cannot parse a line of info args/locals: %r" % line)
        result.append({"name": m.group(1), "value": m.group(2)})
    return result


def print_expression(expr):
    try:
        out = gdb.execute("print " + expr, to_string=True).rstrip("\n")
    except gdb.error as e:
        return {"expr": expr, "error": str(e)}
    return {"expr": expr, "value": ASSIGNED.sub("", out, count=1)}


def frame_record(level, prints):
    frame = gdb.selected_frame()
    sal = frame.find_sal()
    record = {"level": level, "function": frame.name(), "pc": "0x%x" % frame.pc(),
              "file": os.path.basename(sal.symtab.filename) if sal.symtab else None,
              "line": sal.line or None}
    args_text = gdb.execute("info args", to_string=True)
    locals_text = gdb.execute("info locals", to_string=True)
    record["args"] = parse_variables(args_text)
    record["locals"] = parse_variables(locals_text)
    record["prints"] = [print_expression(e) for e in prints]
    return record


def capture(mark, hit, thread_hit):
    thread = gdb.selected_thread()
    bt = gdb.execute("bt", to_string=True)
    stop = {"mark": mark["name"], "line": mark["line"], "hit": hit, "thread_hit": thread_hit,
            "thread": {"num": thread.num, "lwp": thread.ptid[1]},
            "backtrace": sum(1 for line in bt.split("\n") if re.match(r"^#\d+\s", line)),
            "frames": [frame_record(0, mark["prints"])]}
    for level in range(1, mark["up"] + 1):
        try:
            gdb.execute("frame %d" % level, to_string=True)
        except gdb.error as e:
            stop["frames"].append({"level": level, "error": str(e)})
            continue
        stop["frames"].append(frame_record(level, mark["prints"]))
    gdb.execute("frame 0", to_string=True)
    return stop


def breakpoint_locations(bp):
    """[{"address", "function", "file", "line"}] from `info breakpoints N`."""
    text = gdb.execute("info breakpoints %d" % bp.number, to_string=True)
    found = []
    for line in text.split("\n"):
        m = LOCATION.match(line.strip())
        if m:
            found.append({"address": m.group(2), "function": m.group(3), "file": m.group(4), "line": int(m.group(5))})
    return found


def pretty_printers():
    names = [getattr(p, "name", repr(p)) for p in gdb.pretty_printers]
    for objfile in gdb.objfiles():
        names += [getattr(p, "name", repr(p)) for p in objfile.pretty_printers]
    for space in gdb.progspaces():
        names += [getattr(p, "name", repr(p)) for p in space.pretty_printers]
    return names


def main():
    main_symbol = gdb.lookup_global_symbol("main")
    source = os.environ.get("VALUES_ORACLE_SOURCE") or (main_symbol.symtab.fullname() if main_symbol else None)
    if not source or not os.path.exists(source):
        raise gdb.GdbError("values_oracle: cannot find the program's source (set VALUES_ORACLE_SOURCE)")
    marks = read_marks(source)
    if not marks:
        raise gdb.GdbError("values_oracle: no MARK lines in %s" % source)
    by_breakpoint = {}
    for mark in marks:
        bp = gdb.Breakpoint("%s:%d" % (mark["file"], mark["line"]))
        by_breakpoint[bp.number] = (bp, mark)

    hits = {}
    thread_hits = {}
    stops = []
    exit_code = []
    events = []
    gdb.events.stop.connect(events.append)
    gdb.events.exited.connect(lambda e: exit_code.append(getattr(e, "exit_code", None)))

    gdb.execute("run", to_string=True)
    while gdb.selected_inferior().pid != 0:
        event = events[-1] if events else None
        del events[:]
        if isinstance(event, gdb.BreakpointEvent):
            for bp in event.breakpoints:
                if bp.number not in by_breakpoint:
                    continue
                mark = by_breakpoint[bp.number][1]
                hits[bp.number] = hits.get(bp.number, 0) + 1
                key = (bp.number, gdb.selected_thread().num)
                thread_hits[key] = thread_hits.get(key, 0) + 1
                stops.append(capture(mark, hits[bp.number], thread_hits[key]))
        elif isinstance(event, gdb.SignalEvent):
            raise gdb.GdbError("values_oracle: the program stopped with %s" % event.stop_signal)
        gdb.execute("continue", to_string=True)

    for number, (bp, mark) in by_breakpoint.items():
        mark["breakpoint"] = {"number": number, "hits": bp.hit_count, "locations": breakpoint_locations(bp)}
        if bp.hit_count != hits.get(number, 0):
            raise gdb.GdbError("values_oracle: breakpoint %d counted %d hits, saw %d" % (number, bp.hit_count, hits.get(number, 0)))

    document = {"program": gdb.current_progspace().filename, "source": source,
                "gdb": gdb.VERSION, "settings": list(SETTINGS),
                "exit_code": exit_code[0] if exit_code else None,
                "pretty_printers": pretty_printers(),
                "marks": marks, "stops": stops}
    text = json.dumps(document, indent=1) + "\n"
    out = os.environ.get("VALUES_ORACLE_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        open(out + ".done", "w").close()
    else:
        sys.stdout.write(text)


main()
