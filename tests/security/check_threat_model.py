#!/usr/bin/env python3
"""Fails when a test the threat model names is not a test of this build.

    check_threat_model.py THREAT_MODEL.md BUILD_DIR

Reads every `Suite.Name` in the table's Tests column and compares them with `ctest -N` of the
build directory. Prints each missing name and exits 1, or prints the count and exits 0.
"""
import re
import subprocess
import sys


def named_tests(model_path):
    names = set()
    with open(model_path, encoding="utf-8") as f:
        for line in f:
            cells = line.split("|")
            if len(cells) < 6 or not cells[1].strip().isdigit():
                continue
            names.update(re.findall(r"`([A-Za-z0-9_]+\.[A-Za-z0-9_]+)`", cells[4]))
    return names


def built_tests(build_dir):
    out = subprocess.run(["ctest", "-N"], cwd=build_dir, capture_output=True, text=True,
                         check=True).stdout
    return set(re.findall(r"Test +#\d+: (\S+)", out))


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    named = named_tests(sys.argv[1])
    if not named:
        print("the threat model names no tests: is its table intact?", file=sys.stderr)
        return 1
    missing = sorted(named - built_tests(sys.argv[2]))
    for name in missing:
        print(f"threat model names {name}, which is not a test of this build "
              "(renamed or removed? update tests/security/threat_model.md)", file=sys.stderr)
    if missing:
        return 1
    print(f"threat model: all {len(named)} named tests exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
