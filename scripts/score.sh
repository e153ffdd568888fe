#!/usr/bin/env bash
# make score: the extraction engine's quality, scored by the project's copy of score.py (a developer's tool, not part
# of make test, which guards the seeds' bar in ExtractionTests/ScoringTests).
#   1. the seeds: facts and money against Tests/ExtractionTests/Gold
#   2. when ../shared/corpus exists (a developer's checkout beside the shared material): the development corpus, per
#      document, with SCORE_MISSES=N missed and extra facts shown
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)/zhibiao-ingest"
[ -x "$bin" ] || { echo "score: no release build at $bin (make release)" >&2; exit 2; }
gold=Tests/ExtractionTests/Gold
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" parse seeds >"$out/facts.jsonl"
"$bin" parse --money seeds >"$out/money.jsonl"
echo "== seeds: facts"
python3 "$gold/score.py" facts "$gold/seeds-facts.jsonl" "$out/facts.jsonl" --per-doc
echo "== seeds: money"
python3 "$gold/score.py" money "$gold/seeds-money.jsonl" "$out/money.jsonl" | tail -n 1
corpus=../shared/corpus
if [ -x "$corpus/score.sh" ]; then
    echo
    misses=()
    [ -n "${SCORE_MISSES:-}" ] && misses=(--show-misses "$SCORE_MISSES")
    ZHIBIAO_INGEST="$bin" "$corpus/score.sh" "${misses[@]}"
else
    echo "(no development corpus at $corpus: seeds only)"
fi
