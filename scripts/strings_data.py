#!/usr/bin/python3
"""Strings example data: the reference dataset of examples/models/strings (a BYTES input).

    /usr/bin/python3 scripts/strings_data.py OUT.csv [--rows 600]

Writes the CSV that `modelserver profile` turns into the strings model's reference profile
(`make profiles`): one column per feature column of the model, `colour[0]`, `colour[1]` (the two
strings of the `colour` input, [batch, 2] BYTES) and `count` (INT64, [batch]). The colours come
from fixed shares of red, green and blue, the counts from 1 to 20; a fixed seed makes the file the
same on every run.
"""
import argparse
import csv
import random

SEED = 20261205
FIRST = [("red", 0.5), ("green", 0.3), ("blue", 0.2)]
SECOND = [("blue", 0.4), ("green", 0.4), ("red", 0.2)]


def pick(rng, shares):
    names = [n for n, _ in shares]
    weights = [w for _, w in shares]
    return rng.choices(names, weights)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(SEED)
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["colour[0]", "colour[1]", "count"])
        for _ in range(args.rows):
            writer.writerow([pick(rng, FIRST), pick(rng, SECOND), rng.randint(1, 20)])


if __name__ == "__main__":
    main()
