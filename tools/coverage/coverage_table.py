#!/usr/bin/env python3
"""Prints line and branch coverage per source folder from a Cobertura report and enforces the storage layer's bar.

Usage: coverage_table.py REPORT.cobertura.xml [REPORT ...] [--require FOLDER=LINE%/BRANCH% ...]

Several reports (one per test project) are merged: a line counts as covered when any report covered it.

A folder is a path relative to the repository root (for example src/LiftSys.Sessions.EfCore/Store). Each --require makes
the script exit 1 when that folder's line or branch coverage is below the given percentages, or when the folder has no
measured lines at all (a bar that nothing is measured against is not met).
"""
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import PurePosixPath


def folder_of(filename, sources):
    path = PurePosixPath(filename.replace("\\", "/"))
    if not path.is_absolute():
        for source in sources:
            candidate = PurePosixPath(source.replace("\\", "/")) / path
            path = candidate
            break
    parts = path.parts
    # Keep the path from the first 'src', 'tools', 'samples' or 'benchmarks' component on: the report's absolute paths
    # differ between machines, the repository-relative folder does not.
    for index, part in enumerate(parts):
        if part in ("src", "tools", "samples", "benchmarks"):
            return str(PurePosixPath(*parts[index:-1]))
    return str(PurePosixPath(*parts[:-1]))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    args = argv[1:]
    reports = []
    while args and args[0] != "--require":
        reports.append(args[0])
        args = args[1:]
    requirements = {}
    while args:
        if args[0] != "--require" or len(args) < 2:
            print(f"unexpected argument: {args[0]}", file=sys.stderr)
            return 2
        folder, bars = args[1].split("=", 1)
        line_bar, branch_bar = (float(x.rstrip("%")) for x in bars.split("/", 1))
        requirements[folder.rstrip("/")] = (line_bar, branch_bar)
        args = args[2:]

    # Per folder: the set of (file, line) covered/total, and branch conditions covered/total. A line can appear in more
    # than one class (nested and compiler-generated classes) in a merged report; count it once, covered if any says so.
    lines = defaultdict(dict)
    branches = defaultdict(dict)
    classes = []
    for report in reports:
        root = ET.parse(report).getroot()
        sources = [s.text or "" for s in root.iter("source")]
        classes.extend((cls, sources) for cls in root.iter("class"))
    for cls, sources in classes:
        filename = cls.get("filename", "")
        if "/obj/" in filename.replace("\\", "/"):
            continue  # source generated into obj/ (logging, regex generators): not the repository's code
        folder = folder_of(filename, sources)
        # Keyed by the repository-relative file, not the report's filename: reports of different test projects name one
        # file relative to different <source> roots (src/ or the repository root), and must still count it once.
        name = PurePosixPath(filename.replace("\\", "/")).name
        for line in cls.iter("line"):
            key = (name, int(line.get("number")))
            hits = int(line.get("hits", "0"))
            lines[folder][key] = max(lines[folder].get(key, 0), hits)
            if (line.get("branch") or "").lower() == "true":
                coverage = line.get("condition-coverage", "")
                # "50% (1/2)"
                if "(" in coverage:
                    covered, total = coverage[coverage.index("(") + 1:coverage.index(")")].split("/")
                    previous = branches[folder].get(key, (0, int(total)))
                    branches[folder][key] = (max(previous[0], int(covered)), max(previous[1], int(total)))

    def percent(covered, total):
        return 100.0 if total == 0 else 100.0 * covered / total

    width = max([len(f) for f in lines] + [len("folder")])
    print(f"{'folder':<{width}}  {'lines':>17}  {'branches':>17}")
    failures = []
    for folder in sorted(lines):
        line_total = len(lines[folder])
        line_covered = sum(1 for hits in lines[folder].values() if hits > 0)
        branch_total = sum(t for _, t in branches[folder].values())
        branch_covered = sum(c for c, _ in branches[folder].values())
        line_pct = percent(line_covered, line_total)
        branch_pct = percent(branch_covered, branch_total)
        mark = ""
        if folder in requirements:
            line_bar, branch_bar = requirements[folder]
            met = line_pct >= line_bar and branch_pct >= branch_bar
            mark = f"  bar {line_bar:g}%/{branch_bar:g}% {'met' if met else 'NOT MET'}"
            if not met:
                failures.append(folder)
        print(f"{folder:<{width}}  {line_covered:>5}/{line_total:<5} {line_pct:5.1f}%  "
              f"{branch_covered:>5}/{branch_total:<5} {branch_pct:5.1f}%{mark}")
    for folder in requirements:
        if folder not in lines:
            print(f"{folder}: no measured lines; the bar cannot be met", file=sys.stderr)
            failures.append(folder)
    if failures:
        print("Coverage below the bar in: " + ", ".join(sorted(set(failures))), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
