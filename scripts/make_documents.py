"""Writes N distinct test reports made from the seeds.

usage: make_documents.py OUTDIR N
    Each copy shifts every digit by its round number (so figures differ) and ends with a numbered line (so no two
    copies share a SHA-256); every copy is about the seeds' own places and years. Used by make bench and make chaos.

usage: make_documents.py --places SEED_FACTS [--start K] OUTDIR N
    Documents K..N-1 of a province office's archive (make scale): each is a seed about another real county-level
    unit (with its towns, sibling counties, city and province) and another year, with other figures. SEED_FACTS is
    `zhibiao-ingest parse seeds` output: the places to replace are the regions of its facts, their parents and the
    towns of those counties that the seeds name, so this script knows no place name of its own (villages and
    communities, which the gazetteer lacks, stay). Place names come from the gazetteer files the parser loads; only
    names that no other place of the same province has (as its full or short name) are used, so that the parser,
    which resolves a name by the document's other places, finds the intended one. Each (county, year shift) gets
    every seed from SOURCES sources with the same figures (a figure stated by a few sources, as in an archive);
    counties come one after the other, so the facts per consolidation key do not grow with the number of documents.
"""
import argparse
import collections
import csv
import json
import pathlib
import random
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "Services/Ingest/Extraction/Resources"
# The same files, levels and parent columns as Gazetteer.loadBundled.
GAZETTEER = [("provinces", 1, None), ("cities", 2, 2), ("areas", 3, 2), ("streets", 4, 2)]
COUNTY = 3
# Suffixes a short name drops: Gazetteer.shortNameSuffixes (provinces, prefectures, counties), then the towns'
# (which the parser does not index, but a text writes: 某某镇 → 某某).
SHORT_SUFFIXES = ["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区",
                  "林区", "省", "市", "县", "区", "盟", "旗", "街道", "镇", "乡"]
SOURCES = 4
# Year shifts of a county's documents: whole five-year plans, so that "十三五" moves with the years it covers.
SHIFTS = [0, -5, -10, -15]
DIGITS = "〇一二三四五六七八九"


def load_gazetteer():
    entries = {}
    for name, level, parent_column in GAZETTEER:
        with open(RESOURCES / f"{name}.csv", encoding="utf-8", newline="") as f:
            for row in list(csv.reader(f))[1:]:
                if len(row) >= 2 and len(row[1]) >= 2 and row[0] != "0":
                    parent = int(row[parent_column]) if parent_column is not None else 0
                    entries[int(row[0])] = (row[1], level, parent)
    generic = {line.split("\t")[1].strip() for line in (RESOURCES / "Lexicon/markers.tsv").open(encoding="utf-8")
               if line.startswith("region.generic\t")}
    return entries, generic


def short_name(name):
    for suffix in SHORT_SUFFIXES:
        if len(name) - len(suffix) >= 2 and name.endswith(suffix) and not name[:-len(suffix)].endswith("族"):
            return name[:-len(suffix)]
    return None


class Places:
    def __init__(self, seed_facts, texts):
        self.entries, generic = load_gazetteer()
        self.children = collections.defaultdict(list)
        for code in self.entries:
            self.children[self.parent(code)].append(code)
        # A name is usable when no other place of its province has it as its full or short name.
        province = {code: self.chain(code)[-1] for code in self.entries}
        names = collections.Counter((province[c], n) for c, (n, _, _) in self.entries.items())
        names.update((province[c], short_name(n)) for c, (n, _, _) in self.entries.items() if short_name(n))
        self.usable = {c for c, (n, _, _) in self.entries.items()
                       if n not in generic and names[province[c], n] == 1
                       and (short_name(n) is None or names[province[c], short_name(n)] == 1)}
        # The seeds' places: the regions of their facts (most facts first), the places containing them, and the
        # towns of their counties that a seed names.
        facts = collections.Counter(int(f["region_code"]) for f in seed_facts if f.get("region_code"))
        seen = []
        for code, _ in facts.most_common():
            while code and code not in seen:
                seen.append(code)
                code = self.parent(code)
        text = "".join(texts)
        for county in [c for c in seen if self.entries[c][1] == COUNTY]:
            seen += [t for t in self.children[county] if t not in seen and self.entries[t][0] in text]
        # Parents before children, each level in the order of its facts.
        self.seed_places = sorted(seen, key=lambda c: self.entries[c][1])
        self.home = next(c for c in seen if self.entries[c][1] == COUNTY)

    def parent(self, code):
        """The nearest parent that is not a statistical placeholder (市辖区), 0 for a province."""
        parent = self.entries[code][2]
        while parent in self.entries and self.entries[parent][0] == "市辖区":
            parent = self.entries[parent][2]
        return parent if parent in self.entries else 0

    def chain(self, code):
        """The place and those containing it, nearest first."""
        chain = []
        while code:
            chain.append(code)
            code = self.parent(code)
        return chain

    def mapping(self, county):
        """Seed place → target place: the seeds' main county and its parents become `county` and its parents, every
        other seed place a usable place of its level within its parent's target. None when `county` lacks usable
        names or neighbours (sibling counties, towns) for all of the seeds' places."""
        home, chain = self.chain(self.home), self.chain(county)
        if len(home) != len(chain) or not set(chain) <= self.usable:
            return None
        target, used = dict(zip(home, chain)), set(chain)
        rng = random.Random(county)
        for seed in self.seed_places:
            if seed in target:
                continue
            level = self.entries[seed][1]
            pool = [c for c in self.children[target.get(self.parent(seed), 0)]
                    if c in self.usable and c not in used and self.entries[c][1] == level]
            if not pool:
                return None
            target[seed] = rng.choice(pool)
            used.add(target[seed])
        return target

    def replacements(self, target):
        """Seed name → target name, full names and the short names a text uses once the place is known."""
        pairs = {}
        for seed, place in target.items():
            seed_name, target_name = self.entries[seed][0], self.entries[place][0]
            pairs[seed_name] = target_name
            if short_name(seed_name):
                pairs[short_name(seed_name)] = short_name(target_name) or target_name
        return pairs


def plan_name(number):
    """A five-year plan by its number: 11 → 十一五, 10 → 十五, 9 → 九五."""
    if number < 10:
        return DIGITS[number] + "五"
    return "十" + (DIGITS[number - 10] if number > 10 else "") + "五"


def rewrite(text, names, shift, figure_step):
    """Place names replaced (`names`: a mapping and its pattern), years (and five-year plans) shifted by `shift`, every
    other figure's digits after its first moved by `figure_step` (magnitude kept; day and month numbers kept)."""
    mapping, pattern = names
    text = pattern.sub(lambda m: mapping[m.group()], text)
    text = re.sub("十([一二三四])五", lambda m: plan_name(10 + DIGITS.index(m.group(1)) + shift // 5), text)

    def number(m):
        value, after = m.group(), text[m.end():m.end() + 1]
        if re.fullmatch(r"(19|20)\d\d", value) and re.match(r"\s*(年|[-—–~至到]\s*(19|20)\d\d\s*年)",
                                                               text[m.end():m.end() + 12]):
            return str(int(value) + shift)
        if after and after in "月日号时":
            return value
        return value[0] + "".join(str((int(c) + figure_step) % 10) if c.isdigit() else c for c in value[1:])

    return re.sub(r"\d+(?:\.\d+)?", number, text)


def archive(out, start, count, seed_facts_path, texts):
    facts = [json.loads(line) for line in pathlib.Path(seed_facts_path).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    places = Places(facts, texts)
    mappings = {c: places.mapping(c) for c in sorted(places.entries) if places.entries[c][1] == COUNTY}
    counties = [c for c, target in mappings.items() if target]
    names = {}
    per_county = len(SHIFTS) * SOURCES * len(texts)
    for i in range(start, count):
        # Counties one after the other; past the last one, the same counties again with older years.
        round_, rest = divmod(i, per_county * len(counties))
        county = counties[rest // per_county]
        shift = SHIFTS[rest % per_county // (SOURCES * len(texts))] - 5 * len(SHIFTS) * round_
        if county not in names:
            pairs = places.replacements(mappings[county])
            names[county] = (pairs, re.compile("|".join(map(re.escape, sorted(pairs, key=len, reverse=True)))))
        step = 1 + random.Random(f"{county}/{shift}").randrange(9)
        varied = rewrite(texts[i % len(texts)], names[county], shift, step)
        (out / f"doc-{i:06d}.txt").write_text(varied + f"\n（样本编号 {i}）\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", metavar="SEED_FACTS", help="an archive of other places and years")
    parser.add_argument("--start", type=int, default=0, help="with --places: the first document's number")
    parser.add_argument("outdir", type=pathlib.Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    out = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    seeds = sorted(ROOT.joinpath("seeds").glob("*.txt"))
    texts = [seed.read_text(encoding="utf-8") for seed in seeds]
    if args.places:
        archive(out, args.start, args.count, args.places, texts)
        return
    for i in range(args.count):
        shift = i // len(texts)
        varied = "".join(str((int(c) + shift) % 10) if c.isdigit() else c for c in texts[i % len(texts)])
        (out / f"doc-{i:05d}.txt").write_text(varied + f"\n（样本编号 {i}）\n", encoding="utf-8")


main()
