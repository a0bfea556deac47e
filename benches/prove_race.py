#!/usr/bin/env python3
"""Prove one guest with several `carbide` binaries, alternating their order round by round;
prints the medians of each stage (from `--progress`) and of the whole run's wall time, and
the per-round wall-time ratios of the first binary to each other (above 1: the other is
faster).

usage: python3 benches/prove_race.py ROUNDS INPUT NAME=BINARY [NAME=BINARY ...]
environment: ELF (default prover/guests/bin/sha256.elf), HASH (default blake3),
SEGMENT_LOG (default 18)
"""
import os
import re
import statistics
import subprocess
import sys
import time

rounds, input_file = int(sys.argv[1]), sys.argv[2]
bins = [a.split("=", 1) for a in sys.argv[3:]]
elf = os.environ.get("ELF", "prover/guests/bin/sha256.elf")
args = ["--hash", os.environ.get("HASH", "blake3"),
        "--segment-log", os.environ.get("SEGMENT_LOG", "18"), "--progress"]
stages = {n: [] for n, _ in bins}
wall = {n: [] for n, _ in bins}
for r in range(rounds):
    for n, b in bins if r % 2 == 0 else bins[::-1]:
        t = time.time()
        p = subprocess.run([b, "prove", elf, "--input", input_file, *args, "-o", "race.proof"],
                           capture_output=True, text=True, check=True)
        wall[n].append(time.time() - t)
        line = [l for l in (p.stdout + p.stderr).splitlines() if "time by stage" in l][-1]
        stages[n].append({m.group(1).strip(): float(m.group(2))
                          for m in re.finditer(r"(?:: |, )([a-zA-Z -]+?) ([0-9.]+) s \(", line)})
    print(r, " ".join("%s %.3f" % (n, wall[n][-1]) for n, _ in bins), flush=True)
names = [n for n, _ in bins]
print("stage | " + " | ".join(names))
for k in stages[names[0]][0]:
    print(k, "|", " | ".join("%.3f" % statistics.median([d.get(k, 0) for d in stages[n]])
                             for n in names))
print("wall |", " | ".join("%.3f" % statistics.median(wall[n]) for n in names))
for n in names[1:]:
    ratios = [a / b for a, b in zip(wall[names[0]], wall[n])]
    print(n, "per-round", " ".join("%.3f" % x for x in ratios),
          "median %.3f" % statistics.median(ratios),
          "faster in %d of %d" % (sum(x > 1 for x in ratios), len(ratios)))
