#!/usr/bin/env bash
# Does the full rule pack cost throughput? Times a work-tree scan and start-up with the core
# pack alone (the 53 rules the first rule set held: AWS, GitHub, GitLab, Google, Slack, Stripe,
# JWT, private keys, database URLs, generic secrets; every other rule disabled through a config)
# against the whole embedded pack, on the same corpus, in the same run, with `hyperfine -N`.
#
#   benches/rule-pack.sh CORPUS      CORPUS: a directory to scan (e.g. a git/git clone)
#
# Environment: RUNS (default 30).
set -euo pipefail

corpus="${1:-${LEAKTRAP_CORPUS:-}}"
[ -n "$corpus" ] && [ -d "$corpus" ] || { echo "usage: $0 CORPUS (a directory to scan)" >&2; exit 2; }
corpus="$(cd "$corpus" && pwd)"
runs="${RUNS:-30}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run benches/install-peers.sh or apt-get install hyperfine" >&2; exit 2; }

core=(
  aws-access-key-id aws-secret-access-key aws-session-token aws-mws-auth-token
  database-url-password jdbc-connection-string-password ado-connection-string-password
  generic-secret-assignment generic-secret-unquoted generic-bearer-token generic-secret-xml
  generic-cli-secret-flag http-basic-auth-header
  github-pat github-oauth-token github-app-token github-refresh-token github-fine-grained-pat
  gitlab-pat gitlab-deploy-token gitlab-runner-token gitlab-ci-build-token gitlab-oauth-app-secret
  gitlab-feed-token gitlab-agent-token gitlab-scim-token gitlab-incoming-mail-token
  gitlab-feature-flags-client-token gitlab-runner-registration-token gitlab-pipeline-trigger-token
  google-api-key gcp-service-account-key google-oauth-client-secret google-oauth-access-token
  google-oauth-refresh-token jwt
  private-key-rsa private-key-ec private-key-dsa private-key-pkcs8 private-key-encrypted
  private-key-openssh private-key-pgp
  slack-bot-token slack-user-token slack-legacy-token slack-config-token slack-config-refresh-token
  slack-app-token slack-webhook-url slack-workflow-webhook-url
  stripe-live-secret-key stripe-test-secret-key
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
all_ids=$("$leaktrap" rules list --format json | sed -n 's/^ *"id": "\(.*\)",$/\1/p')
{
  echo "version: 1"
  echo "disable:"
  for id in $all_ids; do
    [[ " ${core[*]} " == *" $id "* ]] || echo "  - $id"
  done
} > "$work/core.yaml"
total=$(echo "$all_ids" | wc -l)
disabled=$(grep -c '^  - ' "$work/core.yaml")
echo "# rule pack cost, $(date -u +%Y-%m-%d), $(nproc) cores, corpus $(basename "$corpus"): core pack $((total - disabled)) rules, full pack $total rules"
echo

# Findings of the two packs, for the record (the full pack may find more).
core_findings=$("$leaktrap" scan "$corpus" --config "$work/core.yaml" -q --format json | grep -c '"rule_id"' || true)
full_findings=$("$leaktrap" scan "$corpus" -q --format json | grep -c '"rule_id"' || true)

hyperfine -N --warmup 3 --runs "$runs" --ignore-failure --style none --export-json "$work/times.json" \
  -n "startup, core pack" "$leaktrap scan $work/empty --config $work/core.yaml -q --format json -o /dev/null" \
  -n "startup, full pack" "$leaktrap scan $work/empty -q --format json -o /dev/null" \
  -n "work tree, core pack" "$leaktrap scan $corpus --config $work/core.yaml -q --format json -o /dev/null" \
  -n "work tree, full pack" "$leaktrap scan $corpus -q --format json -o /dev/null" >/dev/null

python3 - "$work/times.json" $((total - disabled)) "$total" "$core_findings" "$full_findings" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
core, full, core_found, full_found = (int(a) for a in sys.argv[2:6])
median = {}
print("| scan | rules | median | mean ± σ | findings |")
print("|---|---|---|---|---|")
for r in results:
    name = r["command"]
    median[name] = statistics.median(r["times"])
    rules = core if "core" in name else full
    found = 0 if "startup" in name else (core_found if "core" in name else full_found)
    print(f"| {name} | {rules} | {median[name] * 1e3:.1f} ms | {r['mean'] * 1e3:.1f} ± {r['stddev'] * 1e3:.1f} ms | {found} |")
print()
print("full pack / core pack: start-up {:.2f}x, work tree {:.2f}x".format(
    median["startup, full pack"] / median["startup, core pack"],
    median["work tree, full pack"] / median["work tree, core pack"]))
PY
