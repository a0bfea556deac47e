#!/usr/bin/env python3
"""Turn criterion's output into the ours-vs-peer table of BENCHMARKS.md, plus JSON.

usage: python3 benches/report.py [GROUP_PREFIX] [--json FILE]

Reads target/criterion/**/new/{benchmark,estimates}.json (written by `cargo bench`), takes the
median of each benchmark's samples, and for every group prints carbide's median, each peer's
median, and the ratio peer/carbide (above 1: carbide is faster). The group's functions named
`carbide*` are ours; the rest are peers.
"""
import json
import os
import platform
import subprocess
import sys
from pathlib import Path


def load(root: Path, prefix: str):
    groups = {}
    for bench in root.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        group, func = meta["group_id"], meta.get("function_id") or ""
        if not group.startswith(prefix):
            continue
        elements = (meta.get("throughput") or {}).get("Elements")
        groups.setdefault(group, {})[func] = {
            "median_ns": est["median"]["point_estimate"],
            "median_ci_ns": [est["median"]["confidence_interval"]["lower_bound"],
                             est["median"]["confidence_interval"]["upper_bound"]],
            "elements": elements,
        }
    return groups


def fmt_time(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    args = sys.argv[1:]
    out = None
    if "--json" in args:
        i = args.index("--json")
        out = args[i + 1]
        del args[i:i + 2]
    prefix = args[0] if args else ""
    root = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"
    groups = load(root, prefix)
    if not groups:
        sys.exit(f"no criterion results under {root} (run `cargo bench -p carbide-benches` first)")
    rows = []
    print("| group | carbide | peer | peer time | peer / carbide |")
    print("|---|---|---|---|---|")
    for group in sorted(groups):
        funcs = groups[group]
        ours = {k: v for k, v in funcs.items() if k.startswith("carbide")}
        peers = {k: v for k, v in funcs.items() if not k.startswith("carbide")}
        for name, o in sorted(ours.items()):
            for peer, p in sorted(peers.items()):
                ratio = p["median_ns"] / o["median_ns"]
                label = group if name == "carbide" else f"{group} ({name})"
                print(f"| {label} | {fmt_time(o['median_ns'])} | {peer} | "
                      f"{fmt_time(p['median_ns'])} | {ratio:.2f}× |")
                rows.append({"group": group, "ours": name, "peer": peer,
                             "ours_median_ns": o["median_ns"], "peer_median_ns": p["median_ns"],
                             "ratio_peer_over_ours": ratio, "elements": o["elements"]})
    if out:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        doc = {"commit": commit, "machine": platform.processor() or platform.machine(),
               "cpus": os.cpu_count(), "statistic": "median of criterion samples",
               "results": rows, "raw": groups}
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(doc, indent=2))
        print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
