#!/usr/bin/env python3
"""Builds data/demo/ from ../shared (run by hand; the output is committed).

demo-packages.tsv.gz     the 20,000 most downloaded packages of npm-packages-227k.tsv.gz
demo-packuments.json.gz  a stream of real full packuments, each with its real README
                         (from fixtures/readmes) put back where the mirror dropped it.
"""
import gzip, json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(root, "..", "shared")
out = os.path.join(root, "data", "demo")
os.makedirs(out, exist_ok=True)

with gzip.open(os.path.join(shared, "data", "npm-packages-227k.tsv.gz"), "rt") as f:
    header = f.readline()
    rows = [line.rstrip("\n").split("\t") for line in f]
rows.sort(key=lambda r: -int(r[2] or 0))
with gzip.GzipFile(os.path.join(out, "demo-packages.tsv.gz"), "wb", mtime=0) as g:
    g.write(header.encode())
    for r in rows[:20000]:
        g.write(("\t".join(r) + "\n").encode())

readmes = {}
for fn in os.listdir(os.path.join(shared, "fixtures", "readmes")):
    m = re.match(r"(.+)-(\d+\.\d+\.\d+.*)\.md$", fn)
    readmes[m.group(1)] = open(os.path.join(shared, "fixtures", "readmes", fn), encoding="utf-8").read()

names = ["express", "react", "lodash", "chalk", "left-pad", "is-number", "vue", "esbuild",
         "@babel__core", "core-js", "request", "sanitize-html", "uplot", "verdaccio", "typescript",
         "colors", "faker", "event-stream"]
with gzip.GzipFile(os.path.join(out, "demo-packuments.json.gz"), "wb", mtime=0) as g:
    for n in names:
        doc = json.load(gzip.open(os.path.join(shared, "fixtures", "packuments", n + ".full.json.gz")))
        key = n.replace("@babel__", "babel-")
        if key in readmes:
            doc["readme"] = readmes[key]
            doc["readmeFilename"] = "README.md"
        g.write(json.dumps(doc, separators=(",", ":")).encode() + b"\n")
print("wrote", out)
