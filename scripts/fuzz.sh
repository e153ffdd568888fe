#!/usr/bin/env bash
# make fuzz SECONDS=N: the extraction engine under libFuzzer with AddressSanitizer for N seconds.
# Corpus: the seeds and golden-case texts, also in GB18030 and UTF-16, plus saved regression inputs.
# Every input must decode or be refused, and every fact must satisfy FactInvariants (span, evidence, base value,
# year). A crasher is saved under fuzz-artifacts/; copy it to Tests/ExtractionTests/FuzzRegressions/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'echo "fuzz: line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
seconds=${1:-60}
scratch=.build-fuzz
corpus=$scratch/corpus
mkdir -p "$corpus" fuzz-artifacts

# The filter is allowed to match nothing; a failed build still stops the script (pipefail: swift's exit code).
swift build -c release --scratch-path "$scratch" --product zhibiao-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DZHIBIAO_LIBFUZZER 2>&1 \
    | { grep -vE "ld.gold: warning: Cannot export local symbol" || true; }
fuzzer=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/zhibiao-fuzz
[ -x "$fuzzer" ] || { echo "fuzz: $fuzzer was not built" >&2; exit 1; }

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

echo "fuzz: $seconds s on $(find "$corpus" -type f | wc -l) corpus inputs"
# libFuzzer's own exit code decides (a crash, a leak, running out of memory, or not starting at all), and so do the
# inputs it saves. `|| status=…` keeps the pipeline's first exit code: `… || true` would leave PIPESTATUS at 0.
status=0
"$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 2>&1 | tee "$scratch/last-run.log" \
    | { grep -E "INITED|DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Test unit written" || true; } \
    || status=${PIPESTATUS[0]}
saved=$(find fuzz-artifacts -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'oom-*' \) | sort)
if [ -n "$saved" ]; then
    echo "fuzz: failing inputs saved: $(tr '\n' ' ' <<<"$saved")" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "fuzz: the fuzzer exited $status; last lines of $scratch/last-run.log:" >&2
    tail -n 30 "$scratch/last-run.log" >&2
    exit "$status"
fi
grep -q '^Done [0-9]* runs' "$scratch/last-run.log" || { echo "fuzz: the fuzzer did not report its runs" >&2; exit 1; }
