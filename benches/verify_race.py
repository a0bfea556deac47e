#!/usr/bin/env python3
"""Verify one proof file with several `carbide` binaries, alternating their order round by
round; prints each binary's median of the CLI's own "verified in" time and the per-round
ratios of the first binary's time to each other's (above 1: the other is faster).

usage: python3 benches/verify_race.py ROUNDS PROOF NAME=BINARY [NAME=BINARY ...]
"""
import re
import statistics
import subprocess
import sys

rounds, proof = int(sys.argv[1]), sys.argv[2]
bins = [a.split("=", 1) for a in sys.argv[3:]]
ms = {n: [] for n, _ in bins}
for r in range(rounds):
    for n, b in bins if r % 2 == 0 else bins[::-1]:
        out = subprocess.run([b, "verify", proof], capture_output=True, text=True, check=True)
        ms[n].append(float(re.search(r"verified in ([0-9.]+) ms", out.stdout).group(1)))
names = [n for n, _ in bins]
for n in names:
    print(n, "median %.1f ms" % statistics.median(ms[n]), " ".join("%.1f" % x for x in ms[n]))
for n in names[1:]:
    ratios = [a / b for a, b in zip(ms[names[0]], ms[n])]
    print(n, "per-round", " ".join("%.2f" % x for x in ratios),
          "median %.2f" % statistics.median(ratios),
          "faster in %d of %d" % (sum(x > 1 for x in ratios), len(ratios)))
