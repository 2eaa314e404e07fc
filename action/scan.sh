#!/usr/bin/env bash
# The scan step of the GitHub Action (action.yml): picks what to scan from the event, runs
# leaktrap, and hands the report's path to later steps. Inputs come as environment variables,
# never spliced into the script, so a branch name or a path cannot inject shell.
#
#   MODE        changes (default): a pull request's commits, or the commits a push added;
#               worktree: the checked-out files; history: every commit of every ref
#   FORMAT      report format (default sarif); OUTPUT: its file (default leaktrap.<format>)
#   CONFIG, BASELINE, ARGS (extra arguments, split on spaces)
#   EVENT, PR_BASE, PR_HEAD, BEFORE, SHA, DEFAULT_BRANCH: from the GitHub event
#   LEAKTRAP    the binary (default: leaktrap on PATH)
# Exits with leaktrap's code: 1 on findings, 2 when the scan could not complete.
set -uo pipefail
leaktrap="${LEAKTRAP:-leaktrap}"
mode="${MODE:-changes}"
format="${FORMAT:-sarif}"
output="${OUTPUT:-}"
if [ -z "$output" ]; then
  case "$format" in
    text) output="" ;;
    *) output="leaktrap.$format" ;;
  esac
fi
zeros=0000000000000000000000000000000000000000
args=(scan)
case "$mode" in
  changes)
    if [ "${EVENT:-}" = pull_request ] || [ "${EVENT:-}" = pull_request_target ]; then
      range="${PR_BASE:?the pull request event has no base sha}..${PR_HEAD:?the pull request event has no head sha}"
    elif [ -n "${BEFORE:-}" ] && [ "$BEFORE" != "$zeros" ] && git cat-file -e "$BEFORE^{commit}" 2>/dev/null; then
      range="$BEFORE..${SHA:?the push event has no sha}"
    else
      # A new branch, or a before-commit the checkout does not have: what the push adds to the
      # default branch, or everything when that is the branch pushed (or is not fetched).
      range="${SHA:?the push event has no sha}"
      default="refs/remotes/origin/${DEFAULT_BRANCH:-}"
      if [ -n "${DEFAULT_BRANCH:-}" ] && git rev-parse -q --verify "$default^{commit}" >/dev/null &&
        [ "$(git rev-parse "$default^{commit}")" != "$(git rev-parse "$SHA^{commit}")" ]; then
        range="origin/$DEFAULT_BRANCH..$SHA"
      fi
    fi
    args+=(--history --range "$range")
    ;;
  worktree) ;;
  history) args+=(--history) ;;
  *)
    echo "leaktrap action: mode must be changes, worktree or history, not '$mode'" >&2
    exit 2
    ;;
esac
[ -n "${CONFIG:-}" ] && args+=(--config "$CONFIG")
[ -n "${BASELINE:-}" ] && args+=(--baseline "$BASELINE")
args+=(--format "$format")
[ -n "$output" ] && args+=(-o "$output")
# shellcheck disable=SC2206
[ -n "${ARGS:-}" ] && args+=($ARGS)
echo "leaktrap ${args[*]}" >&2
"$leaktrap" "${args[@]}"
code=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "report=$output" >> "$GITHUB_OUTPUT"
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
exit "$code"
