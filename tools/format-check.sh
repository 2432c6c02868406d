#!/bin/bash
# format-check.sh: every C file git tracks is laid out as .clang-format says (clang-format 14,
# Debian bookworm's). Prints the files that are not and "N passed, N failed"; exit 1 if any.
# Fix with: clang-format -i $(git ls-files '*.c' '*.h')
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
while IFS= read -r f; do
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        echo "not formatted: $f"
        fail=$((fail + 1))
    fi
done < <(git ls-files '*.c' '*.h')
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
