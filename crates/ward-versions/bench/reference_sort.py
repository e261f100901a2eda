#!/usr/bin/env python3
"""Sort the PyPI list written by `examples/sort_bench.rs` with the `packaging` library (the reference
PEP 440 implementation), report its throughput next to ward-versions', and check that both orders agree.

    cargo run --release -p ward-versions --example sort_bench -- 200000
    python3 -m pip install packaging   # once
    python3 crates/ward-versions/bench/reference_sort.py [OUTPUT_DIR]

OUTPUT_DIR defaults to the system temporary folder's `ward-versions-bench/`, as in the example.
Exit status: 0 when the orders agree, 1 when they differ, 2 when inputs or `packaging` are missing.
"""

import json
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "ward-versions-bench"
    try:
        from packaging import __version__ as packaging_version
        from packaging.version import Version
    except ImportError:
        print("the `packaging` library is missing: python3 -m pip install packaging", file=sys.stderr)
        return 2
    try:
        inputs = (out_dir / "pypi-input.txt").read_text().split()
        ours = (out_dir / "pypi-sorted.txt").read_text().split()
        summary = json.loads((out_dir / "pypi-summary.json").read_text())
    except (OSError, ValueError) as err:
        print(f"run the sort_bench example first ({err})", file=sys.stderr)
        return 2

    start = time.perf_counter()
    parsed = [(Version(text), text) for text in inputs]
    parsed.sort(key=lambda pair: pair[0])
    seconds = time.perf_counter() - start
    reference_rate = len(inputs) / seconds if seconds > 0 else float("inf")
    ours_rate = float(summary["parse_sort_per_second"])

    # Both sorts are stable over the same input, so the orders must match version for version.
    mismatches = [
        (i, mine, theirs)
        for i, (mine, (_, theirs)) in enumerate(zip(ours, parsed))
        if Version(mine) != Version(theirs)
    ]
    agree = not mismatches and len(ours) == len(parsed)

    print(f"packaging {packaging_version}: {len(inputs)} PyPI versions parsed and sorted")
    print(f"  reference (packaging):  {reference_rate:>12.0f} versions/s")
    print(f"  ward-versions:          {ours_rate:>12.0f} versions/s")
    print(f"  ratio ward/reference:   {ours_rate / reference_rate:>12.1f}x")
    print(f"  orders agree:           {'yes' if agree else 'NO'}")
    for i, mine, theirs in mismatches[:10]:
        print(f"    position {i}: ward-versions {mine!r}, packaging {theirs!r}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
