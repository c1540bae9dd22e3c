"""Sanity checks for the held-out war-claims corpus in this directory.

Run: python tests/data/wars/check_corpus.py   (exit status 1 on any problem)
"""
import glob
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD_FIELDS = {"article", "place_as_written", "place", "lat", "lon", "tolerance_km", "kind",
               "side", "status", "source", "quote", "required"}
NON_FIELDS = {"article", "place_as_written", "why"}
SIDES = {
    "ukraine": {"russia", "ukraine"},
    "sudan": {"saf", "rsf"},
    "myanmar": {"government", "mndaa", "taaa", "aa", "kia", "pdf"},
    "gaza": {"israel", "hamas", "hezbollah"},
    "lebanon": {"israel", "hamas", "hezbollah"},
    "drc": {"government", "m23"},
    "yemen": {"houthis", "government", "coalition", "stc"},
}
STATUSES = {"captured", "controlled", "contested", "withdrawn", "attacked", "denied"}
TOL = {"town": 5, "village": 5, "airport": 3, "base": 3, "landmark": 2, "city": 15, "province": 60}
HEADER = re.compile(r"^---\ntitle: [^\n]+\noutlet: [^\n]+\nurl: https?://[^\n]+\npublished: \d{4}-\d{2}-\d{2}\n---\n")

errors = []


def err(msg):
    errors.append(msg)


texts = {os.path.basename(p): open(p, encoding="utf-8").read()
         for p in sorted(glob.glob(os.path.join(HERE, "*.txt")))}
names = sorted(texts)
if [n[:2] for n in names] != ["%02d" % i for i in range(1, len(names) + 1)]:
    err("article files are not numbered consecutively from 01")

headers = 0
for name, text in texts.items():
    if HEADER.match(text):
        headers += 1
        body = HEADER.sub("", text, count=1)
    else:
        lines = text.split("\n")
        if len(lines) < 3 or not lines[0].strip() or lines[1] != "" or not lines[2].strip():
            err(f"{name}: must start with a header block or 'headline, blank line, text'")
        body = "\n".join(lines[2:])
    words = len(body.split())
    if not 100 <= words <= 250:
        err(f"{name}: body has {words} words (want 100-250)")
if headers < 12:
    err(f"only {headers} articles have a header block (want >= 12)")


def load(path, fields):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                err(f"{os.path.basename(path)}:{i}: bad JSON ({e})")
                continue
            if set(row) != fields:
                err(f"{os.path.basename(path)}:{i}: fields {sorted(row)} != {sorted(fields)}")
            rows.append((i, row))
    return rows


gold = load(os.path.join(HERE, "gold.jsonl"), GOLD_FIELDS)
non = load(os.path.join(HERE, "non_claims.jsonl"), NON_FIELDS)

gold_count, non_count = Counter(), Counter()
gold_paw = {}
for i, r in gold:
    a = r.get("article")
    where = f"gold.jsonl:{i} ({a})"
    if a not in texts:
        err(f"{where}: unknown article")
        continue
    text = texts[a]
    gold_count[a] += 1
    gold_paw.setdefault(a, set()).add(r["place_as_written"])
    if r["quote"] not in text:
        err(f"{where}: quote not found in article: {r['quote']!r}")
    if r["place_as_written"] not in r["quote"]:
        err(f"{where}: quote does not contain place_as_written {r['place_as_written']!r}")
    src = r["source"]
    if src != "article":
        s = src.lower()
        s2 = s[4:] if s.startswith("the ") else s
        if s not in text.lower() and s2 not in text.lower():
            err(f"{where}: source {src!r} not in article text")
    war = a.split("_")[1]
    if r["side"] not in SIDES.get(war, set()):
        err(f"{where}: side {r['side']!r} not allowed for war {war!r}")
    if r["status"] not in STATUSES:
        err(f"{where}: bad status {r['status']!r}")
    if TOL.get(r["kind"]) != r["tolerance_km"]:
        err(f"{where}: tolerance {r['tolerance_km']} does not match kind {r['kind']!r}")
    if not (-90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180):
        err(f"{where}: coordinates out of range")
    if r["required"] is not True:
        err(f"{where}: required must be true")

for i, r in non:
    a = r.get("article")
    where = f"non_claims.jsonl:{i} ({a})"
    if a not in texts:
        err(f"{where}: unknown article")
        continue
    non_count[a] += 1
    if r["place_as_written"] not in texts[a]:
        err(f"{where}: {r['place_as_written']!r} not in article text")
    if r["place_as_written"] in gold_paw.get(a, set()):
        err(f"{where}: {r['place_as_written']!r} is also a gold place in this article")

for a in texts:
    if not 3 <= gold_count[a] <= 6:
        err(f"{a}: {gold_count[a]} gold claims (want 3-6)")
    if not 1 <= non_count[a] <= 3:
        err(f"{a}: {non_count[a]} non-claims (want 1-3)")

# the same place name must map to one canonical place with one coordinate
canon = {}
for i, r in gold:
    key = r["place"]
    val = (r["lat"], r["lon"], r["tolerance_km"])
    if canon.setdefault(key, val) != val:
        err(f"gold.jsonl:{i}: inconsistent coordinates for {key!r}")

if errors:
    print("\n".join(errors))
    sys.exit(1)
print(f"OK: {len(texts)} articles ({headers} with header), {len(gold)} gold claims, {len(non)} non-claims")
