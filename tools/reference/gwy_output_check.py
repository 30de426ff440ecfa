#!/usr/bin/env python3
"""Checks that Gwyddion 2.62 opens the .gwy files we write, with the same sizes, units, titles and
values: for each real file, `stmkernel convert REAL ours.gwy` (and `stmkernel classical`), then
Gwyddion loads ours.gwy and re-saves it headless (`gwyddion --convert-to-gwy=theirs.gwy ours.gwy`),
and both are compared with the parser of gwy_fixtures.py. Needs gwyddion + xvfb and a Release build
of the CLI (dotnet build StmKernel.sln -c Release). Not run by CI.
"""
import os, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwy_fixtures import REAL, ROOT, FILES, channels_from_gwy, gwyddion_convert

CLI = ["dotnet", os.path.join(ROOT, "src", "StmKernel.Cli", "bin", "Release", "net10.0", "stmkernel.dll")]


def compare(ours, theirs, label):
    assert len(ours) == len(theirs), f"{label}: {len(ours)} channels written, Gwyddion saw {len(theirs)}"
    for a, b in zip(ours, theirs):
        for k in ("title", "xres", "yres", "unit_xy", "unit_z"):
            assert a[k] == b[k], f"{label} channel {a['id']}: {k} {a[k]!r} vs Gwyddion {b[k]!r}"
        for k in ("xreal", "yreal", "mean"):
            assert abs(a[k] - b[k]) <= 1e-12 * abs(a[k]) + 1e-300, f"{label}: {k} {a[k]} vs {b[k]}"
        assert a["spots"] == b["spots"], f"{label}: spot values differ"


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            for cmd, out in ((["convert", os.path.join(REAL, name)], "conv"), (["classical", os.path.join(REAL, name), "-o"], "classical")):
                ours = os.path.join(tmp, f"{name}.{out}.gwy")
                theirs = os.path.join(tmp, f"{name}.{out}.gwyddion.gwy")
                subprocess.run(CLI + cmd + [ours], check=True, stdout=subprocess.DEVNULL)
                gwyddion_convert(ours, theirs)
                try:
                    compare(channels_from_gwy(ours), channels_from_gwy(theirs), f"{name} ({out})")
                    print(f"ok   {name} ({out}): Gwyddion reads {len(channels_from_gwy(theirs))} channels identically")
                except AssertionError as e:
                    failures += 1
                    print("FAIL", e)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
