#!/usr/bin/env bash
# make fuzz SECONDS=N: the extraction engine under libFuzzer with AddressSanitizer for N seconds.
# Corpus: the seeds and golden-case texts, also in GB18030 and UTF-16, plus saved regression inputs.
# Every input must decode or be refused, and every fact must satisfy FactInvariants (span, evidence, base value,
# year). A crasher is saved under fuzz-artifacts/; copy it to Tests/ExtractionTests/FuzzRegressions/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scratch=.build-fuzz
corpus=$scratch/corpus
mkdir -p "$corpus" fuzz-artifacts

swift build -c release --scratch-path "$scratch" --product zhibiao-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DZHIBIAO_LIBFUZZER 2>&1 \
    | grep -vE "ld.gold: warning: Cannot export local symbol" || true
fuzzer=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/zhibiao-fuzz

for seed in seeds/*.txt; do
    name=$(basename "$seed" .txt)
    cp "$seed" "$corpus/$name.utf8"
    iconv -f UTF-8 -t GB18030 "$seed" > "$corpus/$name.gb18030"
    iconv -f UTF-8 -t UTF-16 "$seed" > "$corpus/$name.utf16"
done
python3 - "$corpus" <<'PY'
import json, pathlib, sys
corpus = pathlib.Path(sys.argv[1])
for case in pathlib.Path("Tests/ExtractionTests/Cases").glob("*.json"):
    text = json.loads(case.read_text(encoding="utf-8"))["text"]
    (corpus / (case.stem + ".case")).write_bytes(text.encode("utf-8"))
PY
cp Tests/ExtractionTests/FuzzRegressions/* "$corpus/" 2>/dev/null || true

echo "fuzz: $seconds s on $(ls "$corpus" | wc -l) corpus inputs"
"$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 2>&1 | tee "$scratch/last-run.log" \
    | grep -E "INITED|DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Test unit written" || true
status=${PIPESTATUS[0]}
if ls fuzz-artifacts/crash-* fuzz-artifacts/timeout-* >/dev/null 2>&1; then
    echo "fuzz: failing inputs saved in fuzz-artifacts/" >&2
    exit 1
fi
exit "$status"
