#!/usr/bin/python3
"""Churn example data: the reference dataset and traffic, reference-like or drifted.

    /usr/bin/python3 scripts/churn_data.py reference OUT.csv [--rows 5000]
    /usr/bin/python3 scripts/churn_data.py traffic URL [--rate 50] [--seconds 60] [--drift] [--batch 1]

`reference` writes the CSV that `modelserver profile` turns into a reference profile.
`traffic` sends Open Inference Protocol requests to URL (.../v2/models/churn/infer) at a steady
rate; with --drift the customers change (shorter tenure, higher bills, more support calls and
late logins), as when a new market or a pricing change reaches the model. It prints one line
every 5 seconds and stops after --seconds (0 = until interrupted).
"""
import argparse
import csv
import json
import sys
import time
import urllib.error
import urllib.request

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from gen_models import CHURN_FEATURES, sample_churn_features  # noqa: E402

REFERENCE_SEED = 20261123


def drifted(rows):
    """The same customers after the world moved: a shift that PSI sees plainly."""
    rows = rows.copy()
    rows[:, 0] = np.clip(rows[:, 0] * 0.3, 0, 72)           # tenure: mostly new customers
    rows[:, 1] = np.clip(rows[:, 1] * 1.35 + 10, 18, 160)   # monthly charges: up
    rows[:, 2] = np.clip(rows[:, 2] + 4, 0, 14)             # support calls: up
    rows[:, 5] = np.clip(rows[:, 5] + 25, 0, 90)            # days since last login: up
    return rows


def write_reference(path, n):
    rows = sample_churn_features(np.random.default_rng(REFERENCE_SEED), n)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([name for name, *_ in CHURN_FEATURES])
        for row in rows:
            w.writerow([format(float(v), "g") for v in row])
    print(f"wrote {path}: {n} rows of {len(CHURN_FEATURES)} features")


def send_traffic(url, rate, seconds, drift, batch):
    rng = np.random.default_rng()
    interval = 1.0 / rate
    start = time.monotonic()
    next_at = start
    sent = ok = failed = 0
    report_at = start + 5
    while seconds <= 0 or time.monotonic() - start < seconds:
        rows = sample_churn_features(rng, batch)
        if drift:
            rows = drifted(rows)
        body = json.dumps({"inputs": [{"name": "features", "shape": [batch, 8], "datatype": "FP32",
                                        "data": [float(v) for v in rows.reshape(-1)]}]}).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
                ok += 1
        except (urllib.error.URLError, OSError):
            failed += 1
        sent += 1
        now = time.monotonic()
        if now >= report_at:
            print(f"traffic: {sent} sent, {ok} ok, {failed} failed ({'drifted' if drift else 'reference-like'})", flush=True)
            report_at = now + 5
        next_at += interval
        if next_at > now:
            time.sleep(next_at - now)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    ref = sub.add_parser("reference")
    ref.add_argument("out")
    ref.add_argument("--rows", type=int, default=5000)
    traffic = sub.add_parser("traffic")
    traffic.add_argument("url")
    traffic.add_argument("--rate", type=float, default=50)
    traffic.add_argument("--seconds", type=float, default=60)
    traffic.add_argument("--drift", action="store_true")
    traffic.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    if args.command == "reference":
        write_reference(args.out, args.rows)
    else:
        send_traffic(args.url, args.rate, args.seconds, args.drift, args.batch)


if __name__ == "__main__":
    main()
