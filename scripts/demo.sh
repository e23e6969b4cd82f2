#!/usr/bin/env bash
# Build the graph and write every output into out/: the graph (TriG/Turtle/N-Triples and the
# Oxigraph store), stats and look-ups, the answers of every named query, the network report,
# exports for network tools and the interactive map site. Creates .venv first if needed.
#   scripts/demo.sh            # uses CINECOOP_SOURCES or ../shared/seeds for the text checks
set -euo pipefail
umask 022  # outputs readable by a web server: files 0644, folders 0755

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$cinecoop_repo"

if [[ -z "${CINECOOP_SOURCES:-}" && -d "$cinecoop_repo/../shared/seeds" ]]; then
  CINECOOP_SOURCES="$(cd "$cinecoop_repo/../shared/seeds" && pwd)"
fi
export CINECOOP_SOURCES="${CINECOOP_SOURCES:-}"
[[ -n "$CINECOOP_SOURCES" ]] || unset CINECOOP_SOURCES
out="${CINECOOP_OUT:-out}"

# save FILE COMMAND...: run COMMAND, write its output to FILE atomically (all or nothing)
save() {
  local file="$1"; shift
  mkdir -p "$(dirname "$file")"
  local tmp; tmp="$(mktemp "$(dirname "$file")/.$(basename "$file").XXXXXX")"
  if "$@" >"$tmp"; then chmod 644 "$tmp" && mv -f "$tmp" "$file"; else rm -f "$tmp"; return 1; fi
}

echo "== build" >&2
cinecoop --out "$out" build
echo "== look-ups" >&2
save "$out/stats.txt" cinecoop --out "$out" stats
for name in "Rashad Azizov" "Azerbaijan Film Agency" "Netflix" \
            "Перспективы государственно-уровневого сотрудничества в киноиндустрии"; do
  slug="$(python -c 'import sys; from graph.files import slug; print(slug(sys.argv[1]))' "$name")"
  save "$out/show/$slug.txt" cinecoop --out "$out" show "$name"
done

echo "== named queries" >&2
declare -A params=(
  [agencies-at-event]='event=Перспективы государственно-уровневого сотрудничества в киноиндустрии'
  [participants]='event=The Development of Modern Film Production in CIS Countries'
  [editions]='series=Baku Creative Week'
  [events-of]='agent=Azerbaijan Film Agency'
  [met-with]='agent=Azerbaijan Film Agency'
  [people-of]='organisation=Azerbaijan Film Agency'
  [posts-of]='person=Rashad Azizov'
  [source-says]='source=004_7e29c807a69063d9'
  [sources-of]='thing=Rashad Azizov'
)
for name in $(python -c "from graph.sparql.named import named_queries as q; print(*[x.name for x in q()])"); do
  args=()
  [[ -n "${params[$name]:-}" ]] && args=(--param "${params[$name]}")
  save "$out/queries/$name.csv" cinecoop --out "$out" query "$name" "${args[@]}" --format csv
  save "$out/queries/$name.md" cinecoop --out "$out" query "$name" "${args[@]}" --format md
done

echo "== network analytics" >&2
cinecoop --out "$out" report
cinecoop --out "$out" export
for view in org-event org-org country-country; do
  save "$out/centrality-$view.md" cinecoop --out "$out" centrality --view "$view" --format md
done
save "$out/communities.txt" cinecoop --out "$out" communities
save "$out/path-netflix-kyrgyzfilm.txt" cinecoop --out "$out" path Netflix Kyrgyzfilm --k 3

echo "== maps" >&2
cinecoop --out "$out" site
echo "done: open $out/index.html" >&2
