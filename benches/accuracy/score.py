#!/usr/bin/env python3
"""Score secret scanners against the labelled corpus that generate.py writes.

Usage: score.py CORPUS_DIR LABELS_JSON TOOL=REPORT [TOOL=REPORT ...]

TOOL names the parser for REPORT, the tool's own output: leaktrap, gitleaks, betterleaks,
kingfisher (JSON), detect-secrets (JSON from `detect-secrets scan`), ripsecrets (its
`path:line:text` lines). Paths in reports may be absolute, relative to the scanned
directory or to the current directory; they are matched to corpus files by suffix.

For each tool and each family (and overall) it prints:
  recall   positives with a finding on the labelled line, or a finding whose line span
           overlaps the item's span (multi-line items such as PEM blocks carry end_line);
  FP rate  labelled negatives with a finding overlapping their line, over all negatives;
and, per tool, the number of distinct (file, line) findings that overlap no labelled line
("unlabelled findings": noise on background lines). Output is a Markdown table.
"""

import json
import os
import re
import sys
from collections import defaultdict


# ---------------------------------------------------------------- report parsers
# Each returns a list of (path, start_line, end_line).

def load_json(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read().strip()
    return json.loads(text) if text else []


def parse_leaktrap(path):
    data = load_json(path)
    rows = data.get("findings", data) if isinstance(data, dict) else data
    return [(f["path"], int(f["line"]), int(f.get("end_line") or f["line"])) for f in rows]


def parse_gitleaks(path):
    data = load_json(path) or []
    return [(f["File"], int(f["StartLine"]), int(f.get("EndLine") or f["StartLine"])) for f in data]


def parse_betterleaks(path):
    data = load_json(path) or {}
    rows = data.get("findings", []) if isinstance(data, dict) else data
    out = []
    for f in rows:
        if "location" in f:
            loc = f["location"]
            out.append((loc["path"], int(loc["start_line"]), int(loc.get("end_line") or loc["start_line"])))
        else:  # gitleaks-compatible shape
            out.append((f["File"], int(f["StartLine"]), int(f.get("EndLine") or f["StartLine"])))
    return out


def parse_kingfisher(path):
    data = load_json(path) or {}
    rows = data.get("findings", []) if isinstance(data, dict) else data
    out = []
    for f in rows:
        fd = f.get("finding", f)
        line = int(fd["line"])
        out.append((fd["path"], line, int(fd.get("end_line") or line)))
    return out


def parse_detect_secrets(path):
    data = load_json(path) or {}
    out = []
    for file, results in data.get("results", {}).items():
        for res in results:
            out.append((file, int(res["line_number"]), int(res["line_number"])))
    return out


RIPSECRETS_LINE = re.compile(r"^(.+?):(\d+):")


def parse_ripsecrets(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for raw in fh:
            m = RIPSECRETS_LINE.match(raw.rstrip("\n"))
            if m:
                out.append((m.group(1), int(m.group(2)), int(m.group(2))))
    return out


PARSERS = {"leaktrap": parse_leaktrap, "gitleaks": parse_gitleaks, "betterleaks": parse_betterleaks,
           "kingfisher": parse_kingfisher, "detect-secrets": parse_detect_secrets, "ripsecrets": parse_ripsecrets}


# ---------------------------------------------------------------- matching

class Resolver:
    """Maps whatever path a tool printed to a corpus-relative path, by longest suffix."""

    def __init__(self, corpus_dir):
        self.root = os.path.abspath(corpus_dir)
        self.files = set()
        for base, _, names in os.walk(self.root):
            for name in names:
                self.files.add(os.path.relpath(os.path.join(base, name), self.root).replace(os.sep, "/"))
        self.by_name = defaultdict(list)
        for f in self.files:
            self.by_name[f.rsplit("/", 1)[-1]].append(f)

    def resolve(self, path):
        p = path.replace("\\", "/")
        absolute = os.path.abspath(p)
        if absolute.startswith(self.root + os.sep):
            rel = os.path.relpath(absolute, self.root).replace(os.sep, "/")
            if rel in self.files:
                return rel
        p = p[2:] if p.startswith("./") else p
        if p in self.files:
            return p
        candidates = [f for f in self.by_name.get(p.rsplit("/", 1)[-1], []) if p.endswith("/" + f) or f.endswith("/" + p)]
        return max(candidates, key=len) if candidates else None


def overlaps(a_start, a_end, b_start, b_end):
    return a_start <= b_end and b_start <= a_end


def score_tool(findings, labels, resolver):
    """Per-family hit counts for one tool's findings, plus its unlabelled findings."""
    by_file = defaultdict(list)
    unresolved = 0
    for path, start, end in findings:
        rel = resolver.resolve(path)
        if rel is None:
            unresolved += 1
            continue
        by_file[rel].append((start, max(start, end)))
    spans = defaultdict(list)
    for e in labels:
        spans[e["file"]].append((e["line"], e.get("end_line", e["line"])))
    hits = {}
    for i, e in enumerate(labels):
        lo, hi = e["line"], e.get("end_line", e["line"])
        hits[i] = any(overlaps(s, t, lo, hi) for s, t in by_file.get(e["file"], ()))
    unlabelled = set()
    for file, found in by_file.items():
        for s, t in found:
            if not any(overlaps(s, t, lo, hi) for lo, hi in spans.get(file, ())):
                unlabelled.add((file, s))
    return hits, len(unlabelled), unresolved


# ---------------------------------------------------------------- table

def pct(num, den):
    return "–" if den == 0 else f"{100.0 * num / den:.1f}%"


def table(labels, results):
    """Markdown: one row per family and overall; recall and FP rate per tool."""
    families = sorted({e["family"] for e in labels})
    tools = list(results)
    head = "| family | +/− | " + " | ".join(f"{t} recall | {t} FP" for t in tools) + " |"
    sep = "|---|---|" + "---|---|" * len(tools)
    rows = [head, sep]
    for fam in families + ["overall"]:
        idx = [i for i, e in enumerate(labels) if fam == "overall" or e["family"] == fam]
        pos = [i for i in idx if labels[i]["kind"] == "positive"]
        neg = [i for i in idx if labels[i]["kind"] == "negative"]
        cells = []
        for t in tools:
            hits = results[t][0]
            cells.append(pct(sum(hits[i] for i in pos), len(pos)))
            cells.append(pct(sum(hits[i] for i in neg), len(neg)))
        name = f"**{fam}**" if fam == "overall" else fam
        rows.append(f"| {name} | {len(pos)}/{len(neg)} | " + " | ".join(cells) + " |")
    rows.append("")
    rows.append("Unlabelled findings (distinct file:line on background lines): " +
                ", ".join(f"{t} {results[t][1]}" for t in tools))
    unresolved = [f"{t} {results[t][2]}" for t in tools if results[t][2]]
    if unresolved:
        rows.append("Findings whose path matched no corpus file: " + ", ".join(unresolved))
    return "\n".join(rows)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    corpus_dir, labels_path, reports = argv[1], argv[2], argv[3:]
    with open(labels_path, encoding="utf-8") as fh:
        labels = json.load(fh)
    resolver = Resolver(corpus_dir)
    results = {}
    for spec in reports:
        tool, _, path = spec.partition("=")
        if tool not in PARSERS or not path:
            print(f"score.py: unknown TOOL=REPORT {spec!r}; tools: {', '.join(PARSERS)}", file=sys.stderr)
            return 2
        results[tool] = score_tool(PARSERS[tool](path), labels, resolver)
    print(table(labels, results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
