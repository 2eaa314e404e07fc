#!/usr/bin/env python3
"""Triage of the false-positive benchmark: every tool's findings, side by side, by location.

    benches/triage.py REPORTS CORPUS=ROOT [CORPUS=ROOT ...] [--labels FILE ...]

REPORTS is the directory `FP_REPORTS=DIR benches/false-positives.sh` fills (CORPUS-TOOL.json,
CORPUS-ripsecrets.txt); CORPUS is the basename the script gave a scanned directory and ROOT that
directory, so that paths can be made relative and lines read back.

Tools report at different grains (a line, a file, a span), so findings are judged by location,
`CORPUS<TAB>PATH<TAB>LINE`, and one judgement counts for every tool that reported there. A
labels file holds one judgement per line:

    CORPUS<TAB>PATH<TAB>LINE<TAB>LABEL<TAB>why

LABEL is `secret` (a credential someone could use), `fixture` (a made-up credential put there
on purpose: a test key, a test password, a documented example) or `fp` (not a credential: a
hash, a key id, an identifier, encoded data, or a placeholder whose value only names the field,
`user:pass@`, `password=secret`, or is x-ed out or an env-var lookup). Without --labels, the script lists every location with
the tools that reported it and the line's text, secrets masked, ready to be labelled. With
--labels, it prints a table of findings per tool and label, and lists locations not yet judged.
"""
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

TOOLS = ["leaktrap", "gitleaks", "betterleaks", "kingfisher", "detect-secrets", "ripsecrets"]
LABELS = ["secret", "fixture", "fp"]


def relative(path, root):
    path = str(path)
    if path.startswith(root + "/"):
        return path[len(root) + 1 :]
    # A literal `./` only: `lstrip` would also eat the dot of `.github/`.
    return path[2:] if path.startswith("./") else path


def findings(reports, corpus, root):
    """Yields (tool, path, line, rule) for every finding of every tool on one corpus."""
    def load(tool):
        path = reports / f"{corpus}-{tool}.json"
        return json.load(open(path)) if path.exists() else None

    data = load("leaktrap") or []
    for f in data:
        yield "leaktrap", relative(f["path"], root), f["line"], f["rule_id"]
    for f in load("gitleaks") or []:
        yield "gitleaks", relative(f["File"], root), max(f["StartLine"], 1), f["RuleID"]
    data = load("betterleaks") or {}
    for f in data.get("findings", []):
        loc = f["location"]
        yield "betterleaks", relative(loc["path"], root), max(loc.get("start_line", 1), 1), f["rule_id"]
    data = load("kingfisher") or {}
    for f in data.get("findings", []):
        fin = f["finding"]
        yield "kingfisher", relative(fin["path"], root), max(int(fin["line"]), 1), f["rule"]["id"]
    data = load("detect-secrets") or {}
    for path, results in data.get("results", {}).items():
        for f in results:
            yield "detect-secrets", relative(path, root), f["line_number"], f["type"]
    text = reports / f"{corpus}-ripsecrets.txt"
    if text.exists():
        for row in text.read_text(errors="replace").splitlines():
            match = re.match(r"(.*?):(\d+):", row)
            if match:
                yield "ripsecrets", relative(match.group(1), root), int(match.group(2)), "secret"


def masked(text):
    """The line with every long word cut to its first four characters: no secret is printed."""
    text = text.strip()[:140]
    return re.sub(r"([A-Za-z0-9+/_\-=.]{4})[A-Za-z0-9+/_\-=.]{8,}", r"\1…", text)


def line_of(root, path, line):
    try:
        with open(Path(root) / path, "rb") as file:
            for number, raw in enumerate(file, 1):
                if number == line:
                    return raw.decode("utf-8", "replace")
    except OSError:
        pass
    return ""


def main(argv):
    labels_files = []
    while "--labels" in argv:
        at = argv.index("--labels")
        labels_files.append(argv[at + 1])
        del argv[at : at + 2]
    if len(argv) < 2:
        sys.exit(__doc__)
    reports = Path(argv[0])
    corpora = dict(arg.split("=", 1) for arg in argv[1:])

    # location -> tool -> rules
    seen = defaultdict(lambda: defaultdict(list))
    counts = defaultdict(int)
    for corpus, root in corpora.items():
        for tool, path, line, rule in findings(reports, corpus, root):
            seen[(corpus, path, line)][tool].append(rule)
            counts[(corpus, tool)] += 1

    if not labels_files:
        for (corpus, path, line), tools in sorted(seen.items()):
            who = ",".join(f"{t}({'/'.join(sorted(set(r)))})" for t, r in tools.items())
            print(f"{corpus}\t{path}\t{line}\t{who}\t{masked(line_of(corpora[corpus], path, line))}")
        return

    judged = {}
    for labels_file in labels_files:
        for number, row in enumerate(open(labels_file), 1):
            if not row.strip() or row.startswith("#"):
                continue
            parts = row.rstrip("\n").split("\t")
            if len(parts) < 4 or parts[3] not in LABELS or not parts[2].isdigit():
                sys.exit(f"{labels_file}:{number}: expected CORPUS<TAB>PATH<TAB>LINE<TAB>LABEL<TAB>why "
                         f"with LABEL one of {', '.join(LABELS)}")
            judged[(parts[0], parts[1], int(parts[2]))] = parts[3]

    print("| corpus | tool | findings | secret | fixture | false positive | not judged |")
    print("|---|---|---|---|---|---|---|")
    missing = {}  # insertion-ordered set of locations not judged
    for corpus in corpora:
        for tool in TOOLS:
            tally = defaultdict(int)
            for (c, path, line), tools in seen.items():
                if c != corpus or tool not in tools:
                    continue
                label = judged.get((c, path, line), "not judged")
                tally[label] += len(tools[tool])
                if label == "not judged":
                    missing[(c, path, line)] = None
            cells = [str(tally[label]) for label in LABELS + ["not judged"]]
            print(f"| {corpus} | {tool} | {counts[(corpus, tool)]} | " + " | ".join(cells) + " |")
    if missing:
        print(f"\n{len(missing)} locations not judged yet:")
        for c, path, line in sorted(missing):
            print(f"{c}\t{path}\t{line}")


if __name__ == "__main__":
    main(sys.argv[1:])
