"""Run every benchmark (or those named on the command line) and print their tables.

Each benchmark is a module in this package with `NAME`, `DESCRIPTION` and `run(args) -> str`
returning its table. Each runs in a fresh process, so one benchmark's imports (TensorFlow, say)
cannot leak into another's measurements. Results are also written to bench-results/<name>.txt.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def discover() -> list[str]:
    package = Path(__file__).resolve().parent
    return sorted(
        m.name for m in pkgutil.iter_modules([str(package)]) if m.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
    names = args.names or discover()
    if not args.in_process:
        failed = 0
        for name in names:
            cmd = [sys.executable, "-m", "benchmarks", name, "--in-process"]
            failed += (
                subprocess.run(cmd + (["--quick"] if args.quick else []), cwd=ROOT).returncode != 0
            )
        return 1 if failed else 0
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    failed = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n== {module.NAME}: {module.DESCRIPTION}", flush=True)
        started = time.perf_counter()
        try:
            table = module.run(args)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}", flush=True)
            continue
        print(table)
        print(f"({time.perf_counter() - started:.1f} s)", flush=True)
        (out_dir / f"{name}.txt").write_text(table + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
