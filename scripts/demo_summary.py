"""Renders the reporting service's replies (regions, summary, targets, series; one JSON line each) for a person.

Every number is the display form the service sends beside the exact value (42.5 亿元, +7.07 %, 目标：增长 7 %)."""
import json
import sys
import unicodedata

regions, summary, targets, series = (json.loads(line)["result"] for line in sys.stdin if line.strip())


def pad(text, width):
    """Left-aligns text in a terminal column, counting wide (CJK) characters as two."""
    text = str(text)
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


print("regions (facts with an indicator: own / with sub-regions):")
for row in regions["rows"]:
    print(" ", pad("  " * row["depth"] + row["name"], 24), pad(row["code"], 10), f"{row['facts']:>4} / {row['facts_total']}")
print()

print(pad("region", 10), pad("year", 5), "actual target  highlights")
for row in summary["rows"]:
    shown = ", ".join(f"{key} {value}" for key, value in list((row.get("actuals_display") or {}).items())[:3])
    print(pad(row["region"], 10), pad(row["year"], 5), f"{row['actual_indicators']:>6} {row['target_indicators']:>6}  {shown}")
print(f"({summary['total']} region-years, as of {summary.get('as_of', '?')})\n")

print("targets:")
for row in targets["rows"]:
    goal = (row["target_display"] or "") + (" (new)" if row.get("measure") == "added" else "")
    actual = f"actual {row['actual_display']}" if row.get("actual_display") else "no actual yet"
    print(" ", pad(row["region"], 8), row["year"], pad(row["indicator"], 24), pad(goal, 22), pad(row["status"], 9),
          actual)
print()
print("industrial_output series:")
for row in series["rows"]:
    growth = f", growth {row['growth_display']}" if row.get("growth_display") else ""
    print(f"  {row['region']} {row['year']}: {row['display'] or '—'}{growth} ({row['n_sources']} sources)")
