"""The CLI as a user meets it: build, validate, show; broken data; determinism."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import Ran, cinecoop
from conftest import DATA, REPO, S4

CINECOOP = [sys.executable, "-m", "graph.cli"]


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> Ran:
    """In-process; the PYTHONHASHSEED test below spawns real processes on purpose."""
    return cinecoop(*args, env=env, cwd=cwd)


def run_process(*args: str, env: dict[str, str] | None = None,
                cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("CINECOOP_SOURCES", None)
    return subprocess.run([*CINECOOP, *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=120)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = {
    # case: (file, old text, new text, words the error must contain)
    "dangling id": ("facts/004_7e29c807a69063d9.yaml", "agent: rashad-azizov",
                    "agent: rashad-azizow",
                    ["data/facts/004_7e29c807a69063d9.yaml:", "004-azizov-speaker", "'agent'",
                     "unknown id 'rashad-azizow'", "hint"]),
    "missing citation": ("people/farid-jafarov.yaml", "cite: ['001_7c0143c62be84d35:8']\n", "",
                         ["data/people/farid-jafarov.yaml", "'cite'", "missing",
                          "cites its source"]),
    "bad date": ("events/oic-cultural-festival-baku-creative-week-2025.yaml", "start: '2025'",
                 "start: 2025-13-40",
                 ["oic-cultural-festival-baku-creative-week-2025.yaml:", "'start'",
                  "is not a date", "YYYY-MM-DD"]),
    "malformed yaml": ("people/birol-guven.yaml", "labels:\n", "labels: [\n",
                       ["data/people/birol-guven.yaml:", "malformed YAML", "column"]),
    "paragraph beyond the source": ("facts/004_7e29c807a69063d9.yaml", "para: 4\n", "para: 40\n",
                                    ["paragraph 40 is beyond the 10 paragraphs of " + S4]),
    "field cited to another source": ("events/baku-cinema-breeze.yaml",
                                      "super_event: ['004_7e29c807a69063d9:1']",
                                      "super_event: ['002_215d27630291384d:1']",
                                      ["baku-cinema-breeze.yaml:", "'cite_fields'",
                                       "taken from this record's 'cite'"]),
    "role outside the scheme": ("facts/004_7e29c807a69063d9.yaml", "role: moderator",
                                "role: chairperson",
                                ["'chairperson' is not in the participation-role list",
                                 "moderator"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_data_gives_a_clear_error_and_writes_nothing(case: str, data_copy: Path,
                                                            tmp_path: Path) -> None:
    file, old, new, words = BROKEN[case]
    _break(data_copy / file, old, new)
    out = tmp_path / "out"
    result = run("--data", str(data_copy), "--out", str(out), "build", env={})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr, f"{word!r} missing from:\n{result.stderr}"
    assert not out.exists() or not any(out.iterdir()), "a failed build wrote files"
    # validate reports the same and exits non-zero
    check = run("--data", str(data_copy), "validate", env={})
    assert check.returncode == 1 and words[-1] in check.stderr


def test_failed_build_leaves_previous_outputs_untouched(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("--data", str(data_copy), "--out", str(out), "build", env={}).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    _break(data_copy / "people/birol-guven.yaml", "labels:\n", "labels: [\n")
    assert run("--data", str(data_copy), "--out", str(out), "build", env={}).returncode != 0
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert before == after


def test_same_input_same_bytes_across_processes(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        result = run_process("--out", str(out), "build", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outs.append(out)
    for name in ("graph.trig", "graph.ttl", "graph.nt"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_build_prints_counts_per_class(tmp_path: Path) -> None:
    result = run("--out", str(tmp_path / "out"), "build", env={})
    assert result.returncode == 0, result.stderr
    lines = dict(line.split() for line in result.stdout.splitlines()[1:])
    assert lines["Person"] == "32"  # test_coverage.PEOPLE names 32 distinct people
    assert (tmp_path / "out" / "graph.trig").is_file()


def test_validate_with_sources_checks_the_texts(sources_dir: Path, data_copy: Path) -> None:
    ok = run("--data", str(data_copy), "validate", "--sources", str(sources_dir), env={})
    assert ok.returncode == 0, ok.stderr
    assert "checked against" in ok.stdout
    # Cite Birol Güven to a paragraph that does not name him: the text check catches it.
    _break(data_copy / "people/birol-guven.yaml", f"{S4}:5", f"{S4}:9")
    bad = run("--data", str(data_copy), "validate", "--sources", str(sources_dir), env={})
    assert bad.returncode == 1
    assert "paragraph 9 does not mention 'Birol Güven'" in bad.stderr
    # without texts, the check is reported as not run
    plain = run("--data", str(data_copy), "validate", env={})
    assert "not run" in plain.stdout


@pytest.mark.parametrize(("name", "expected"), [
    ("Рашад Азизов", "Rashad Azizov  [Person]"),
    ("азизов", "Rashad Azizov  [Person]"),
    ("Azizov", "Rashad Azizov  [Person]"),
    ("hocazfilm", "Hoçazfilm  [Studio]"),
    ("Агентство кино Азербайджанской Республики", "Azerbaijan Film Agency  [FilmAgency]"),
])
def test_show_finds_by_any_label(name: str, expected: str, built: Path) -> None:
    result = run("--out", str(built), "show", name, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(expected)


def test_show_lists_posts_with_dates_and_sources(built: Path) -> None:
    out = run("--out", str(built), "show", "Rashad Azizov", env={}).stdout
    assert "2024-09-20 (page date): head of the Creative Industries" in out
    assert "2025-12-09: генеральный директор Агентства кино" in out
    assert f"[{S4} ¶5]" in out


def test_show_ambiguous_and_unknown(built: Path) -> None:
    amb = run("--out", str(built), "show", "cinema", env={})
    assert amb.returncode == 1 and "ambiguous" in amb.stderr and "Cinema Talks" in amb.stderr
    unknown = run("--out", str(built), "show", "Spielberg", env={})
    assert unknown.returncode == 1 and "nothing in the graph is called" in unknown.stderr
    assert "Traceback" not in amb.stderr + unknown.stderr


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys, graph.cli; heavy = {'rdflib', 'networkx', 'pyvis', 'pyshacl', "
            "'pyoxigraph'} & set(sys.modules); print(sorted(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"


def test_data_is_in_canonical_form() -> None:
    from graph.data.canonical import noncanonical

    assert [str(p) for p, _ in noncanonical(DATA)] == [], "run 'cinecoop fmt' to fix"


def test_fmt_check_names_the_fixing_command(data_copy: Path) -> None:
    _break(data_copy / "people/birol-guven.yaml", "cite: ['004_7e29c807a69063d9:5']",
           "cite:\n- '004_7e29c807a69063d9:5'")
    result = run("--data", str(data_copy), "fmt", "--check", env={})
    assert result.returncode == 1
    assert "birol-guven.yaml" in result.stderr and "run 'cinecoop fmt'" in result.stderr
    assert run("--data", str(data_copy), "fmt", env={}).returncode == 0
    assert run("--data", str(data_copy), "fmt", "--check", env={}).returncode == 0
    # broken YAML is reported, not reformatted, and gives no traceback
    _break(data_copy / "people/birol-guven.yaml", "labels:\n", "labels: [\n")
    broken = run("--data", str(data_copy), "fmt", env={})
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "birol-guven.yaml:" in broken.stderr and "malformed YAML" in broken.stderr


def test_commands_rebuild_only_when_data_changed(data_copy: Path, tmp_path: Path) -> None:
    from graph.data.build import ensure_built

    out = tmp_path / "out"
    assert ensure_built(data_copy, out) is True
    stamp = (out / "graph.trig").stat().st_mtime_ns
    assert ensure_built(data_copy, out) is False
    assert (out / "graph.trig").stat().st_mtime_ns == stamp
    # a new alternative spelling in data/ is picked up by the next command that reads the graph
    _break(data_copy / "people/birol-guven.yaml", "  ru: Бирол Гювен\n",
           "  ru: Бирол Гювен\nalt_labels:\n  en: [Guven Birol]\n")
    result = run("--data", str(data_copy), "--out", str(out), "show", "Guven Birol", env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Birol Güven  [Person]")


def test_warnings_are_reported_but_do_not_fail(data_copy: Path) -> None:
    (data_copy / "notes.txt").write_text("a curator's scratch file\n", encoding="utf-8")
    result = run("--data", str(data_copy), "validate", env={})
    assert result.returncode == 0, result.stderr
    assert "notes.txt: warning: unexpected file in data/" in result.stderr
    assert "0 error(s), 1 warning(s)" in result.stdout


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    result = run("--out", str(blocker / "out"), "build", env={})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"Error: cannot use {blocker / 'out'}" in result.stderr


def test_setup_sh_can_be_sourced_in_an_interactive_shell() -> None:
    """`source scripts/setup.sh` leaves no shell option behind (an ASK exiting 1 must not close
    the user's terminal) and puts the venv on PATH."""
    script = ("set +euo pipefail; source scripts/setup.sh >/dev/null 2>&1; "
              "echo \"opts=$- $(set -o | grep -E '^(pipefail|nounset|errexit)' "
              "| tr -s ' \\t' '=' | tr '\\n' ' ')\"; "
              "false; echo \"alive path=$(command -v cinecoop)\"")
    done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    opts, alive = done.stdout.splitlines()
    assert "e" not in opts.split()[0] and "u" not in opts.split()[0]
    assert "pipefail=off" in opts and "nounset=off" in opts and "errexit=off" in opts
    assert alive == f"alive path={REPO}/.venv/bin/cinecoop"


def test_outputs_are_readable_by_others(tmp_path: Path) -> None:
    """A web server can publish what build writes: files 0644, folders 0755 (umask 022)."""
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert run("--out", str(out), "build").returncode == 0
    finally:
        os.umask(old)
    for path in [out / "graph.trig", out / "manifest.json", out / "store"]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path}: {oct(mode)}"
