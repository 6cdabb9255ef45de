"""Sorts a valgrind memcheck XML report into tensorbridge's errors and the rest.

Usage: python scripts/valgrind_triage.py MEMCHECK_XML [CORE_LIBRARY_NAME]

An error is tensorbridge's when any frame of any of its stacks (where the bad
access happened, where the block was allocated, where it was freed) lies in
the extension library (default name ``_core.abi3.so``): a tensorbridge bug
can show up in NumPy or PyTorch code reading memory we freed, and the free is
then where we appear. Everything else is printed as third-party, with its
top frames, so that a new false positive can be given a commented entry in
scripts/valgrind-python.supp.

Prints a summary and every tensorbridge error in full; exits 1 when there is
at least one, else 0.
"""

from __future__ import annotations

import collections
import sys
import xml.etree.ElementTree as ET


def frames(stack: ET.Element) -> list[dict[str, str]]:
    return [{child.tag: (child.text or "") for child in frame} for frame in stack.iter("frame")]


def describe(frame: dict[str, str]) -> str:
    where = frame.get("file", "")
    if where:
        where = f"{where}:{frame.get('line', '?')}"
    else:
        where = frame.get("obj", "?").rsplit("/", 1)[-1]
    return f"{frame.get('fn', '???')} ({where})"


def main() -> int:
    path = sys.argv[1]
    core = sys.argv[2] if len(sys.argv) > 2 else "_core.abi3.so"
    root = ET.parse(path).getroot()
    ours, theirs = [], []
    for error in root.iter("error"):
        stacks = [frames(s) for s in error.iter("stack")]
        in_core = any(f.get("obj", "").endswith(core) for s in stacks for f in s)
        (ours if in_core else theirs).append((error, stacks))

    def count(errors) -> int:
        return sum(int(e.findtext("leakedblocks") or 1) for e, _ in errors)

    def leaked_bytes(errors) -> int:
        return sum(int(e.findtext("xwhat/leakedbytes") or 0) for e, _ in errors)

    counts = {
        p.findtext("unique"): int(p.findtext("count")) for p in root.findall("errorcounts/pair")
    }
    total = sum(counts.get(e.findtext("unique"), 1) for e, _ in ours + theirs)
    suppressed = sum(int(p.findtext("count")) for p in root.findall("suppcounts/pair"))
    kinds = collections.Counter(e.findtext("kind") for e, _ in ours + theirs)
    print(f"memcheck: {total} errors reported, {suppressed} suppressed as known noise")
    print(f"memcheck: error contexts by kind: {dict(kinds)}")
    print(
        f"memcheck: {len(ours)} contexts ({count(ours)} errors, {leaked_bytes(ours)} bytes "
        f"definitely lost) pass through {core}"
    )
    print(
        f"memcheck: {len(theirs)} contexts ({count(theirs)} errors, {leaked_bytes(theirs)} "
        f"bytes definitely lost) are third-party only"
    )
    for error, stacks in theirs:
        what = error.findtext("what") or error.findtext("xwhat/text") or ""
        top = " <- ".join(describe(f) for f in stacks[0][:4]) if stacks else ""
        print(f"  third-party {error.findtext('kind')}: {what[:80]}\n      {top}")
    for error, stacks in ours:
        what = error.findtext("what") or error.findtext("xwhat/text") or ""
        print(f"\nTENSORBRIDGE {error.findtext('kind')}: {what}")
        for i, stack in enumerate(stacks):
            print("  stack" if i == 0 else "  related stack")
            for f in stack[:30]:
                print(f"    {describe(f)}")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
