"""Writes N distinct test reports made from the seeds: each copy shifts every digit by its round number (so figures
differ) and ends with a numbered line (so no two copies share a SHA-256). Used by make bench and make chaos.

usage: make_documents.py OUTDIR N
"""
import pathlib
import sys

out, count = pathlib.Path(sys.argv[1]), int(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
seeds = sorted(pathlib.Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*.txt"))
texts = [seed.read_text(encoding="utf-8") for seed in seeds]
for i in range(count):
    shift = i // len(texts)
    varied = "".join(str((int(c) + shift) % 10) if c.isdigit() else c for c in texts[i % len(texts)])
    (out / f"doc-{i:05d}.txt").write_text(varied + f"\n（样本编号 {i}）\n", encoding="utf-8")
