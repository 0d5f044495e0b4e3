"""`make bench`: run every benchmark module in this folder, one after the other.

Each `bench_*.py` module runs on its own with `python -m tests.benchmarks.<name>`
and its defaults. `make bench BENCH_ARGS="pages --articles 100000"`: the words
before the first option choose the benchmarks; the rest, options with their
values, go to each of them.
Benchmarks are never part of `make test`.
"""

import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    only, extra = argv[:first_option], argv[first_option:]
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if only:
        modules = [m for m in modules if m in only or m.removeprefix("bench_") in only]
    failed = []
    for name in modules:
        print(f"\n=== {name} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"tests.benchmarks.{name}", *extra])
        print(f"=== {name}: exit {code} in {time.monotonic() - started:.0f} s ===", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
