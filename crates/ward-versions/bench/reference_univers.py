#!/usr/bin/env python3
"""Order every ecosystem's list written by `examples/sort_bench.rs` with `univers` (the version
library behind VulnerableCode, from PyPI), report its throughput next to ward-versions', and check
whether the two orders agree.

    cargo run --release -p ward-versions --example sort_bench -- 200000
    python3 -m venv /tmp/uvenv && /tmp/uvenv/bin/pip install univers   # once
    /tmp/uvenv/bin/python crates/ward-versions/bench/reference_univers.py [OUTPUT_DIR] [LIMIT]

Agreement is judged with the reference's own comparison: ward-versions' sorted list is walked and
every adjacent pair that univers would put the other way round is counted (0 means univers accepts
ward-versions' order; ties are fine both ways). Versions univers cannot parse are counted apart.
LIMIT (default 200000) caps how many versions per ecosystem are given to univers, which is slow.
Exit status: 0 when every compared order agrees, 1 otherwise, 2 when inputs or univers are missing.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

# ward-versions ecosystem file stem -> univers class name.
REFERENCES = {
    "cratesio": "SemverVersion",
    "go": "GolangVersion",
    "npm": "SemverVersion",
    "pypi": "PypiVersion",
    "maven": "MavenVersion",
    "nuget": "NugetVersion",
    "rubygems": "RubygemsVersion",
    "debian": "DebianVersion",
    "redhat": "RpmVersion",
    "alpine": "AlpineLinuxVersion",
    "packagist": "ComposerVersion",
}


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "ward-versions-bench"
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    try:
        import importlib.metadata as metadata

        import univers.versions as uv
    except ImportError:
        print("univers is missing: python3 -m pip install univers", file=sys.stderr)
        return 2
    print(f"univers {metadata.version('univers')}")
    print(f"{'ecosystem':<10} {'n':>7} {'univers /s':>12} {'ward /s':>12} {'ratio':>8} {'unparsed':>9} {'inversions':>11}")
    all_agree = True
    for stem, class_name in REFERENCES.items():
        cls = getattr(uv, class_name)
        try:
            inputs = (out_dir / f"{stem}-input.txt").read_text().split("\n")
            ours = (out_dir / f"{stem}-sorted.txt").read_text().split("\n")
            summary = json.loads((out_dir / f"{stem}-summary.json").read_text())
        except (OSError, ValueError) as err:
            print(f"run the sort_bench example first ({err})", file=sys.stderr)
            return 2
        inputs = [v for v in inputs if v][:limit]
        ours_all = [v for v in ours if v]
        # Parse and sort with univers, timed like ward-versions' parse+sort.
        start = time.perf_counter()
        parsed = []
        unparsed = 0
        for text in inputs:
            try:
                parsed.append(cls(text))
            except Exception:  # noqa: BLE001 - any refusal counts as unparsed
                unparsed += 1
        parsed.sort()
        seconds = time.perf_counter() - start
        reference_rate = len(inputs) / seconds if seconds > 0 else float("inf")
        ward_rate = float(summary["parse_sort_per_second"])
        # Walk ward-versions' order (restricted to the versions univers was given) with univers'
        # comparison and count adjacent pairs it would swap.
        wanted = {}
        for text in inputs:
            wanted[text] = wanted.get(text, 0) + 1
        cache = {}
        inversions = 0
        examples = []
        previous = None
        for text in ours_all:
            if wanted.get(text, 0) == 0:
                continue
            wanted[text] -= 1
            if text not in cache:
                try:
                    cache[text] = cls(text)
                except Exception:  # noqa: BLE001
                    cache[text] = None
            current = cache[text]
            if current is None:
                continue
            if previous is not None and current < previous[1]:
                inversions += 1
                if len(examples) < 3:
                    examples.append((previous[0], text))
            previous = (text, current)
        all_agree &= inversions == 0
        print(
            f"{stem:<10} {len(inputs):>7} {reference_rate:>12.0f} {ward_rate:>12.0f} "
            f"{ward_rate / reference_rate:>7.1f}x {unparsed:>9} {inversions:>11}"
        )
        for before, after in examples:
            print(f"    ward-versions puts {before!r} before {after!r}; univers orders them the other way")
    return 0 if all_agree else 1


if __name__ == "__main__":
    sys.exit(main())
