#!/usr/bin/env bash
# The worked example of CURATING.md, run for real: prints each command and its output.
# Sections are separated by lines of '----'. Runs in a temporary folder; data/ is untouched.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
SEEDS="${CINECOOP_SOURCES:-$REPO/../shared/seeds}"
CINECOOP="${CINECOOP:-$REPO/.venv/bin/cinecoop}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir -p tests/fixtures c
cp "$REPO/tests/fixtures/"article_ru*.* tests/fixtures/
cp -r "$REPO/data" c/data && cp -r "$SEEDS" c/texts
unset CINECOOP_SOURCES
G="--data c/data --out c/out --sources c/texts"
S=005_a625dbfebe19db56
run() { echo "\$ cinecoop $G $*"; eval "\"$CINECOOP\" $G $*" 2>&1 || true; }
BASE="$("$CINECOOP" $G build)"
echo "${BASE%%$'\n'*}"
echo ----
run add source tests/fixtures/article_ru.txt --url https://example.org/fixture --publisher trend
echo ----
cat c/data/sources/$S.yaml
echo ----
run paras 005
echo ----
run find '"Рашада Азизова"'
run find '"Мамука Блеадзе"' --kind person
echo ----
run add person --label ru='"Мамука Блеадзе"' --cite $S:3
echo ----
run add person --label en='"Elnara Safarova"' --label ru='"Эльнара Сафарова"' --cite $S:4 \
    --set occupation=producer
run add event --id azerbaijan-georgia-film-meeting-2026 \
    --label en='"Working meeting of film industry representatives of Azerbaijan and Georgia"' \
    --label ru='"Рабочая встреча представителей киноиндустрии Азербайджана и Грузии"' \
    --cite $S:1 --set type=event --set city=baku
run cite rashad-azizov $S:2
run cite mamuka-bliadze $S:3 --as '"Мамука Блеадзе"'
echo ----
cat tests/fixtures/article_ru_facts.yaml >> c/data/facts/$S.yaml
run validate
echo ----
printf 'id: rashad-azizov-2\nlabels:\n  az: Rəşad Əzizov\ncite: [%s:2]\n' $S \
    > c/data/people/rashad-azizov-2.yaml
run validate
rm c/data/people/rashad-azizov-2.yaml
echo ----
run diff
echo ----
run build
echo ----
cat c/out/CHANGES.md
echo ----
run show '"Рашадом Азизовым"'
run show '"Мамука Блеадзе"'
echo ----
"$CINECOOP" vocab participation
echo ----
cat c/data/facts/$S.yaml
