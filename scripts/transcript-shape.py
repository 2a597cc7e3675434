#!/usr/bin/python3
"""Checks that a documented `make run` transcript has the shape of what the demo really printed.

Usage: transcript-shape.py OUTPUT DOC [DOC ...]

Each DOC (README.md, ...) holds a ```console block that starts with `$ make run`. Every line of that block must
match some line of OUTPUT (the demo's real output) once both are normalised: revision hashes become HASH and
numbers become N (so times, counts and PSI values may differ from run to run), except those the manifests decide
(thresholds, tolerances, windows, steps, weights, shadow shares, durations, bake time, failure limit), which must be today's; in the document, `…` stands for any text and a line that is
only `...` leaves lines out. Exits 1 and lists every documented line the demo never printed.
"""
import re
import sys

HASH = re.compile(r"-[0-9a-f]{10}\b")
NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:\.\d+)?(?:e-?\d+)?")


# Numbers that come from the manifests, not from the run: thresholds, windows, steps and weights stay as printed.
KEPT_AFTER = ("threshold ", "window ", "maximum ", " in ", "bake time ", "setWeight ", "step ", "/", "limit ", " of ",
              "shadow ", " for ", "beyond ", "at most ")


def normalise(line: str) -> str:
    line = HASH.sub("-HASH", line.rstrip())
    return NUMBER.sub(lambda m: m.group(0) if line[:m.start()].endswith(KEPT_AFTER) else "N", line)


def transcript(path: str) -> list[str]:
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if line == "$ make run" and i > 0 and lines[i - 1].startswith("```"):
            block = []
            for body in lines[i + 1:]:
                if body.startswith("```"):
                    return block
                block.append(body)
    sys.exit(f"transcript-shape: {path} has no ```console block starting with '$ make run'")


def pattern(line: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in normalise(line).split("…")]
    return re.compile(".*".join(parts))


def main() -> int:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    printed = [normalise(line) for line in open(sys.argv[1], encoding="utf-8").read().splitlines()]
    missing = []
    for doc in sys.argv[2:]:
        for line in transcript(doc):
            if line.strip() in ("", "...") or line.startswith("$ make run"):
                continue
            want = pattern(line)
            if not any(want.fullmatch(p) for p in printed):
                missing.append(f"{doc}: {line}")
    if missing:
        print("transcript-shape: the demo printed no line of this shape:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
