#!/usr/bin/env python3
"""Write the expected order of a corpus of tricky PyPI versions, most of them legacy (not PEP 440),
as the Python `packaging` library before 22.0 ordered them (`packaging.version.parse`, which falls
back to `LegacyVersion`), for the offline test `tests/it/pypi_legacy.rs`.

    python3 -m venv /tmp/pkgvenv && /tmp/pkgvenv/bin/pip install 'packaging<22'   # once
    /tmp/pkgvenv/bin/python crates/ward-versions/bench/reference_pypi_legacy.py [OUTPUT]

OUTPUT defaults to `crates/ward-versions/tests/data/pypi_legacy_order.json`. The corpus is generated
here (a fixed seed, so a rerun writes the same file): release numbers followed by one to three
suffix pieces (a separator, then a word or a number) chosen to hit `LegacyVersion`'s substitutions
(`pre`, `preview` and `rc` as `c`, `dev` as `@`, `-` as `final-`), its trailing-zero and
dash-before-prerelease rules, its eight-digit zero padding and its treatment of characters that are
neither digits, letters, `.` nor `-`; plus a few valid PEP 440 versions, which every legacy version
must precede. Strings with no ASCII letter or digit are left out (ward-versions rejects them), and
so are non-ASCII digits (see `src/pypi.rs`).

The file lists groups of versions in increasing order; versions in one group compare equal. `cargo
test` only reads the committed file; it never needs Python or the network.
Exit status: 0 when written, 2 when `packaging` is missing or is 22.0 or later (no `LegacyVersion`).
"""

import itertools
import json
import random
import sys
from pathlib import Path

RELEASES = ["1", "1.0", "1.0.0", "01.0", "0", "2", "1.2", "0.0"]
SEPARATORS = ["", ".", "-", "_", " ", "+", "~", "--", ".-", "-."]
WORDS = [
    "a", "b", "c", "rc", "RC", "pre", "Pre", "preview", "dev", "DEV", "final", "post", "alpha",
    "foo", "r", "snapshot", "SNAPSHOT", "x", "z", "@",
]
NUMBERS = ["0", "1", "2", "10", "00", "00000000", "000000000", "123456789", "1234567890", "99999999"]

HANDPICKED = [
    "2004d", "2004d-foo bar", "1.0-SNAPSHOT-foo", "0.3.0.dev-r123", "1.0_beta_2", "dev", "1.0-foo",
    "1.0-foo.bar", "1.0-foo-1", "1.0-foo-2", "1.0-foo.1", "1.0.0-foo", "1-foo", "1.0dev-r1",
    "1.0.dev-r1", "1.0pre-x", "1.0preview-x", "1.0rc-x", "1.0c-x", "1.0final-x", "1.0-final-x",
    "1.0-", "1.0--", "-1.0", "-", "--1", "1.0 ", " 1.0-x", "1.0- x", "1..0x", "1.0.0.0x", "123456789x",
    "1234567890x", "987654321x", "000000001x", "00000000x", "1.000000000x", "1.0-@", "1.0@",
    "1.0~1", "1.0^1", "1.0_1", "1.0+1_x", "1.0-é", "1.0-K", "1.0-İ", "1.0-ǅ", "a", "b1", "final",
    "1.0-dev-x", "1.0-dev-1", "1.0dev1-x", "1.0-pre-1", "1.0-c-1", "1.0-a-1", "1.0-0-x", "1.0-0.0-x",
    "1.0-00000000-x", "1.0.00000000x", "1.0.0000000x", "1.0x.0", "1.0x.0.0", "1.0x-0",
    "1.0-SNAPSHOT", "1.0.SNAPSHOT", "1.0SNAPSHOT", "1.0-snapshot-1", "1.0-snapshot.1",
]

VALID = [
    "0", "0.0.1", "1.0.dev0", "1.0a1", "1.0rc1", "1.0", "1.0+foo", "1.0.post1", "1.0-1", "1!0.1",
    "1.0-dev", "1.0.dev", "1.0pre1", "1.0preview1", "1.0-r1", "1.0c", " 1.0 ",
]


def pieces():
    for sep in SEPARATORS:
        for token in WORDS + NUMBERS:
            yield sep + token


def corpus():
    found = set(HANDPICKED) | set(VALID)
    # Every release with one suffix piece.
    for release, piece in itertools.product(RELEASES, pieces()):
        found.add(release + piece)
    # A seeded sample of releases with two and three pieces.
    rng = random.Random(440)
    all_pieces = list(pieces())
    for count in (2, 3):
        for _ in range(700):
            found.add(rng.choice(RELEASES) + "".join(rng.choice(all_pieces) for _ in range(count)))
    # Ward rejects strings with neither an ASCII digit nor a letter; leave them out.
    return sorted(v for v in found if any(c.isascii() and c.isalnum() for c in v) or any(c.isalpha() for c in v))


def main() -> int:
    default = Path(__file__).resolve().parent.parent / "tests" / "data" / "pypi_legacy_order.json"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    try:
        import packaging
        from packaging.version import LegacyVersion, Version, parse
    except ImportError:
        print("packaging < 22 is missing: python3 -m pip install 'packaging<22'", file=sys.stderr)
        return 2
    parsed = sorted(((parse(v), v) for v in corpus()), key=lambda pair: (pair[0], pair[1]))
    groups = []
    for version, text in parsed:
        if groups and groups[-1]["key"] == version:
            groups[-1]["versions"].append(text)
        else:
            groups.append({"key": version, "legacy": isinstance(version, LegacyVersion), "versions": [text]})
    for group in groups:
        assert group["legacy"] or isinstance(group["key"], Version)
        del group["key"]
    document = {
        "reference": f"packaging {packaging.__version__}: packaging.version.parse, LegacyVersion for non-PEP 440 strings",
        "generated_by": "crates/ward-versions/bench/reference_pypi_legacy.py",
        "groups": groups,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    # One group per line, so a regenerated file diffs readably.
    head = json.dumps({k: v for k, v in document.items() if k != "groups"}, ensure_ascii=False)[:-1]
    lines = ",\n".join(json.dumps(g, ensure_ascii=False) for g in groups)
    out.write_text(f'{head}, "groups": [\n{lines}\n]}}\n')
    legacy = sum(len(g["versions"]) for g in groups if g["legacy"])
    print(f"{out}: {len(parsed)} versions ({legacy} legacy) in {len(groups)} groups, packaging {packaging.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
