"""Renders the reporting service's replies (regions, summary, targets, series; one JSON line each) for a person."""
import json
import sys
import unicodedata

regions, summary, targets, series = (json.loads(line)["result"] for line in sys.stdin if line.strip())


def pad(text, width):
    """Left-aligns text in a terminal column, counting wide (CJK) characters as two."""
    text = str(text)
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def number(value):
    return f"{float(value):,.15g}" if value is not None else "—"


print("regions (facts with an indicator: own / with sub-regions):")
for row in regions["rows"]:
    print(" ", pad("  " * row["depth"] + row["name"], 24), pad(row["code"], 10), f"{row['facts']:>4} / {row['facts_total']}")
print()

print(pad("region", 10), pad("year", 5), "actual target  highlights")
for row in summary["rows"]:
    shown = ", ".join(f"{key} {number(value)}" for key, value in list((row.get("actuals") or {}).items())[:3])
    print(pad(row["region"], 10), pad(row["year"], 5), f"{row['actual_indicators']:>6} {row['target_indicators']:>6}  {shown}")
print(f"({summary['total']} region-years, as of {summary.get('as_of', '?')})\n")

print("targets:")
for row in targets["rows"]:
    goal = (f"growth {row['target_growth_pct']} %" if row.get("target_value") is None
            else f"{row['target_value']} {row.get('target_unit') or ''}"
            + (" new" if row.get("measure") == "added" else ""))
    print(" ", pad(row["region"], 8), row["year"], pad(row["indicator"], 24), pad(goal, 16), row["status"])
print()
print("industrial_output series:")
for row in series["rows"]:
    growth = f", growth {row['stated_growth_pct']} %" if row.get("stated_growth_pct") is not None else ""
    print(f"  {row['region']} {row['year']}: {row['value']} {row['unit']}{growth} ({row['n_sources']} sources)")
