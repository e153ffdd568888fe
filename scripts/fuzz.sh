#!/usr/bin/env bash
# make fuzz SECONDS=N: two targets under libFuzzer with AddressSanitizer, N seconds each.
#   extraction  the engine on the seeds and golden-case texts (also in GB18030 and UTF-16) plus saved regression
#               inputs: every input must decode or be refused, and every fact must satisfy FactInvariants (span,
#               evidence, base value, year).
#   protocol    the report server's request parser on protocol lines: what it accepts must survive a round trip.
# A crasher is saved under fuzz-artifacts/; copy it to Tests/ExtractionTests/FuzzRegressions/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'echo "fuzz: line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
seconds=${1:-60}
# FUZZ_SEED=N makes a run repeatable (CI uses a fixed one: what it explores, a developer reproduces); 0 is random.
fuzz_seed=${FUZZ_SEED:-0}
# Swift's own crash handler keeps SIGILL/SIGTRAP (libFuzzer does not replace a handler it finds), and its
# swift-backtrace helper hangs on a fuzzer binary: a Swift trap then never ends the run (a CI run waited 80 minutes).
# Off, the trap reaches libFuzzer, which saves the input and exits at once.
export SWIFT_BACKTRACE=enable=no
scratch=.build-fuzz
mkdir -p fuzz-artifacts

# build PRODUCT: the fuzzer binary's path. The filter may match nothing; a failed build still stops the script.
build() {
    swift build -c release --scratch-path "$scratch" --product "$1" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DZHIBIAO_LIBFUZZER 2>&1 \
        | { grep -vE "ld.gold: warning: Cannot export local symbol" || true; } >&2
    local binary
    binary=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/$1
    [ -x "$binary" ] || { echo "fuzz: $binary was not built" >&2; exit 1; }
    echo "$binary"
}

# run NAME FUZZER CORPUS MAX_LEN: one target for $seconds; fails on a saved input or a fuzzer that did not run.
run() {
    local name=$1 fuzzer=$2 corpus=$3 max_len=$4 status=0
    echo "fuzz: $name, $seconds s on $(find "$corpus" -type f | wc -l) corpus inputs (seed $fuzz_seed)"
    # libFuzzer's own exit code decides (a crash, a leak, running out of memory, or not starting at all), and so do
    # the inputs it saves. Its output goes to a file, not a pipe, so that nothing it leaves behind holds a reader
    # open; `timeout` bounds the run whatever happens (the corpus is read before -max_total_time starts counting).
    timeout --kill-after=10 $((seconds * 3 + 120)) \
        "$fuzzer" "$corpus" -seed="$fuzz_seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len="$max_len" -artifact_prefix="fuzz-artifacts/$name-" -print_final_stats=1 >"$scratch/last-$name.log" 2>&1 || status=$?
    grep -E "INITED|DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Test unit written" \
        "$scratch/last-$name.log" || true
    local saved
    saved=$(find fuzz-artifacts -maxdepth 1 -type f -name "$name-*" | sort)
    if [ -n "$saved" ]; then
        echo "fuzz: failing inputs saved: $(tr '\n' ' ' <<<"$saved"); the report:" >&2
        # The report names the input in base64 too: a CI machine's files are gone once the run ends.
        grep -A 40 -m 1 -E "^==[0-9]+==|deadly signal|Fatal error|ALARM|out-of-memory" "$scratch/last-$name.log" >&2 || true
        exit 1
    fi
    if [ "$status" -ne 0 ]; then
        echo "fuzz: the $name fuzzer exited $status; last lines of $scratch/last-$name.log:" >&2
        tail -n 30 "$scratch/last-$name.log" >&2
        exit "$status"
    fi
    grep -q '^Done [0-9]* runs' "$scratch/last-$name.log" || { echo "fuzz: the $name fuzzer did not report its runs" >&2; exit 1; }
}

corpus=$scratch/corpus
mkdir -p "$corpus"
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
run extraction "$(build zhibiao-fuzz)" "$corpus" 65536

# Request lines: the protocol's examples, plus the shapes the limits are about.
requests=$scratch/requests
mkdir -p "$requests"
python3 - "$requests" <<'PY'
import json, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
lines = re.findall(r'(\{"id"[^`\n]*\})', pathlib.Path("docs/protocol.md").read_text(encoding="utf-8"))
lines += ['{"id":1,"method":"ping"}', '{"id":"a","method":"facts","params":{"q":"\\u0041%_","limit":5}}',
          '[1,2,[3,{"a":null,"b":true,"c":-1.5e3}]]', '{"id":2,"method":"series","params":{"region":["\u4e0a\u8857\u533a"]}}']
for n, line in enumerate(lines):
    (out / f"line-{n}.json").write_text(line, encoding="utf-8")
PY
run protocol "$(build zhibiao-fuzz-protocol)" "$requests" 4096
