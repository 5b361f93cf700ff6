#!/usr/bin/env bash
# Rule tooling benchmark: `tidewatch rules check` on 10,000 alarms vs `promtool check rules` on
# 10,000 equivalent alerting rules, and `tidewatch rules test` on 1,000 tests vs `promtool test
# rules` on 1,000 equivalent tests. Needs promtool (Debian package prometheus).
# Usage: bench/rules-tooling.sh [runs]   (default 5; prints the median wall time of each)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v promtool >/dev/null || { echo "promtool not found: apt-get install prometheus" >&2; exit 2; }
(cd "$root" && ./mvnw -q -B -DskipTests package)
tidewatch=("$root/tidewatch")   # what users run: the launcher, with its JVM options

mkdir -p "$work/tw" "$work/prom" "$work/twtest" "$work/promtest"
for file in $(seq 0 99); do
  {
    echo "alarms:"
    for i in $(seq 0 99); do
      n=$((file * 100 + i))
      cat <<YAML
  - name: cpu-high-$n
    description: CPU above 70% on web host $n for 3 of the last 3 minutes
    metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: h$n}}
    statistic: Average
    period: 1m
    evaluationPeriods: 3
    comparison: GreaterThanThreshold
    threshold: 70
    labels: {severity: page}
YAML
    done
  } > "$work/tw/alarms-$file.yaml"
  {
    echo "groups:"
    echo "  - name: group-$file"
    echo "    rules:"
    for i in $(seq 0 99); do
      n=$((file * 100 + i))
      cat <<YAML
      - alert: cpu-high-$n
        expr: avg_over_time(cpu_utilization{service="web", host="h$n"}[1m]) > 70
        for: 3m
        labels: {severity: page}
        annotations: {description: "CPU above 70% on web host $n for 3 of the last 3 minutes"}
YAML
    done
  } > "$work/prom/rules-$file.yml"
done

# 1,000 tests: 10 files of 100, each test feeding one series and expecting the alarm/alert state.
cat > "$work/twtest/rules.yaml" <<'YAML'
alarms:
  - name: cpu-high
    metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web}}
    groupBy: [host]
    statistic: Average
    period: 1m
    evaluationPeriods: 3
    comparison: GreaterThanThreshold
    threshold: 70
YAML
cat > "$work/promtest/rules.yml" <<'YAML'
groups:
  - name: cpu
    rules:
      - alert: cpu-high
        expr: avg_over_time(cpu_utilization{service="web"}[1m]) > 70
        for: 2m
YAML
for file in $(seq 0 9); do
  { echo "ruleFiles: [rules.yaml]"; echo "tests:"
    for i in $(seq 0 99); do cat <<YAML
  - name: test-$file-$i
    series:
      - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: h$i}}
        every: 1m
        values: "80x5"
    expect:
      - {at: 5m, alarm: "cpu-high{host=h$i}", state: ALARM}
YAML
    done; } > "$work/twtest/tests-$file.yaml"
  { echo "rule_files: [rules.yml]"; echo "evaluation_interval: 1m"; echo "tests:"
    for i in $(seq 0 99); do cat <<YAML
  - interval: 1m
    input_series:
      - series: 'cpu_utilization{service="web", host="h$i"}'
        values: '80x5'
    alert_rule_test:
      - eval_time: 5m
        alertname: cpu-high
        exp_alerts:
          - exp_labels: {service: web, host: h$i}
YAML
    done; } > "$work/promtest/tests-$file.yml"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" | tail -5 >&2; exit 1; }
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | median
}

echo "$(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "check 10,000 rules:  tidewatch $(timeit "${tidewatch[@]}" rules check "$work/tw") s   promtool $(timeit promtool check rules "$work"/prom/*.yml) s"
echo "test 1,000 tests:    tidewatch $(timeit "${tidewatch[@]}" rules test "$work"/twtest/tests-*.yaml) s   promtool $(cd "$work/promtest" && timeit promtool test rules tests-*.yml) s"
