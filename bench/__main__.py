"""One table of what a customer feels, and how the kiosk holds up, on this machine.

    .venv/bin/python -m bench [--quick]

Each figure runs in a child process of its own (a cold start must be cold; a soak must not
share its heap with the others), prints its rows, and the table goes to bench/results.md
with the machine it ran on."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import FIGURES

RESULTS = Path(__file__).with_name("results.md")
COLD_RUNS = 5


def run_figure(name: str, quick: bool) -> list[list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BENCH_LAUNCHED=repr(time.time()))
    args = [sys.executable, "-m", "bench.figures", name] + (["--quick"] if quick else [])
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=3600)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        said = done.stderr.strip().splitlines() or ["no output"]
        errors = [line for line in said if line.split(":")[0].endswith(("Error", "Exception"))]
        why = (errors or said)[-1][:160]
        return [[name, f"failed: {why}", "-", "NO"]]
    return json.loads(lines[-1])


def cold_start(quick: bool) -> list[list[str]]:
    runs = [run_figure("cold_start", quick)[0] for _ in range(3 if quick else COLD_RUNS)]
    done = [r[1].replace(",", "").split() for r in runs if not r[1].startswith("failed")]
    if not done:
        return runs[:1]
    seconds = sorted(float(words[0]) for words in done)
    cpu = sorted(float(words[3]) for words in done)
    median = seconds[len(seconds) // 2]
    return [
        [
            f"cold start: `kiosk` process start -> attract screen painted, median of {len(done)}"
            " (and the process's CPU time by then)",
            f"{median:.2f} s (CPU {cpu[len(cpu) // 2]:.2f} s)",
            "<= 1.5 s",
            "yes" if median <= 1.5 else "NO",
        ]
    ]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    from PySide6 import __version__ as pyside

    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PySide6 {pyside}, {platform.system()} {platform.release()}"
    )


def table(rows: list[list[str]]) -> str:
    lines = ["| figure | measured | goal | met? |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and visits")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = cold_start(args.quick)
    loads = [load_before[0], os.getloadavg()[0]]
    for name in FIGURES:
        if name != "cold_start":
            rows += run_figure(name, args.quick)
            loads.append(os.getloadavg()[0])  # after each figure: how busy it was meanwhile
    text = table(rows)
    print(text)
    kind = "quick run" if args.quick else "full run"
    load_after = os.getloadavg()
    args.out.write_text(
        f"# Benchmark results ({kind}, `python -m bench`)\n\n"
        f"Machine: {machine()}; offscreen Qt; {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC"
        f"\n\nLoad on the machine: 1-minute load average {load_before[0]:.1f} when the run "
        f"began, {load_after[0]:.1f} when it ended, {min(loads):.1f}-{max(loads):.1f} after each "
        f"figure ({os.cpu_count()} cores: above "
        f"{os.cpu_count()}, processes were waiting for a core and every time here is longer "
        "than on a quiet machine)\n\n"
        f"{text}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
