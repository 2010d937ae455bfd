"""`pico-widget outcomes ...` and `serve --outcomes`: what an administrator types and reads."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import text

from pico_widget.outcomes.cli import main
from pico_widget.outcomes.csv_io import to_csv
from pico_widget.outcomes.database import open_engine
from pico_widget.settings import CACHE_ENV
from tests.live_server import free_port
from tests.outcomes_helpers import course

PROGRAM = [sys.executable, "-m", "pico_widget.server.command"]


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    main(["upgrade", "--outcomes", url])
    return url


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([*PROGRAM, "outcomes", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_staff_are_added_with_a_password_from_stdin_and_removed(url):
    added = run("add-staff", "Dr Tan", "--outcomes", url, stdin="correct horse\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Dr Tan can sign in."
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        (stored,) = db.execute("SELECT password_hash FROM staff").fetchone()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    short = run("add-staff", "Dr Lim", "--outcomes", url, stdin="short\n")
    assert short.returncode == 1 and "at least 8 characters" in short.stderr
    assert "Traceback" not in short.stderr
    removed = run("remove-staff", "Dr Tan", "--outcomes", url)
    assert removed.returncode == 0 and "can no longer sign in" in removed.stdout


def test_import_export_stats_delete_and_backup(url, tmp_path, capsys):
    records = [course(count=3), course(count=1), course(count=2, condition="nevus_of_ota")]
    (tmp_path / "in.csv").write_text(to_csv(records))
    main(["import", str(tmp_path / "in.csv"), "--outcomes", url])
    main(["stats", "--outcomes", url])
    main(["export", str(tmp_path / "out.csv"), "--outcomes", url])
    assert sorted((tmp_path / "out.csv").read_text().splitlines()) == sorted(
        to_csv(records).splitlines())
    main(["delete", records[0].course_id, "--reason", "duplicate of another course",
          "--outcomes", url])
    main(["backup", str(tmp_path / "copy.db"), "--outcomes", url])
    out = capsys.readouterr().out
    assert "Imported 3 courses" in out
    melasma = next(line for line in out.splitlines() if line.startswith("melasma"))
    assert melasma.split() == ["melasma", "2", "4", "2.0", "3"]
    assert "The clinic's offsets against the studies" in out
    assert "1 recent, 0 earlier: too few to tell" in out  # nevus of Ota: one course
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM courses").fetchone() == (2,)
        assert copy.execute("SELECT action, reason FROM audit WHERE action = 'delete'"
                            ).fetchall() == [("delete", "duplicate of another course")]


def test_an_import_fits_the_clinic_s_effect_for_the_bands_and_stats(url, tmp_path):
    from pico_widget.outcomes import effect_cache

    (tmp_path / "in.csv").write_text(to_csv([course(count=2) for _ in range(3)]))
    main(["import", str(tmp_path / "in.csv"), "--outcomes", url])
    kept = sorted(path.name for path in effect_cache.cache_folder().glob("*.json"))
    engine = open_engine(url)
    name = effect_cache.database_name(engine)
    engine.dispose()
    assert len(kept) == 2 and {effect_cache._name(name, (0, 0, ""), kind)[0]
                               for kind in ("effect", "summary")} == {k[:16] for k in kept}


def test_a_bad_csv_stores_nothing_and_says_which_line(url, tmp_path):
    lines = to_csv([course(count=2)]).splitlines()
    lines[2] = lines[2].replace(",30,", ",150,")
    (tmp_path / "bad.csv").write_text("\n".join(lines))
    result = run("import", str(tmp_path / "bad.csv"), "--outcomes", url)
    assert result.returncode == 1
    assert result.stderr.strip() == ("pico-widget: Line 3: The improvement seen must be a "
                                     "number from 0 to 100; got 150. Nothing was imported.")
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT count(*) FROM courses").fetchone() == (0,)


def test_commands_refuse_a_database_not_upgraded(tmp_path):
    sqlite3.connect(tmp_path / "new.db").close()  # a file, no tables
    result = run("stats", "--outcomes", f"sqlite:///{tmp_path / 'new.db'}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no tables yet. Run `pico-widget outcomes upgrade --outcomes" in result.stderr


def test_a_mistyped_sqlite_path_is_refused_and_leaves_no_file(tmp_path):
    """Only `upgrade` creates a database: `stats` on a typo said "no tables yet" and left an
    empty file behind. A relative path is made absolute, as the kernels need it."""
    result = run("stats", "--outcomes", "sqlite:///typo.db")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"There is no outcomes database at {os.getcwd()}/typo.db" in result.stderr
    assert not os.path.exists("typo.db")
    for address, sentence in [
            (f"sqlite:///{tmp_path}/none/outcomes.db", f"The folder {tmp_path}/none does not "
             "exist"),
            (str(tmp_path / "outcomes.db"), "is not a database address: give sqlite:////"),
            ("mysql://clinic/outcomes", "SQLite or PostgreSQL, and mysql://clinic/outcomes")]:
        result = run("upgrade", "--outcomes", address)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert sentence in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_hands_its_kernels_the_absolute_sqlite_path(tmp_path, monkeypatch):
    """Voila starts kernels in the dashboard's folder, where a relative path named another,
    empty database: recording then failed with "did not answer"."""
    from pico_widget.outcomes.database import check_outcomes

    monkeypatch.chdir(tmp_path)
    main(["upgrade", "--outcomes", "sqlite:///outcomes.db"])
    assert check_outcomes("sqlite:///outcomes.db") == f"sqlite:///{tmp_path}/outcomes.db"


def test_serve_refuses_a_newer_database_with_a_sentence(url):
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    result = subprocess.run([*PROGRAM, "serve", "--outcomes", url, "--port", str(free_port())],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "upgraded by a newer pico-widget (revision 0999" in result.stderr


def test_serve_refuses_a_database_that_does_not_answer():
    result = subprocess.run(
        [*PROGRAM, "serve", "--outcomes", "postgresql+psycopg://nobody@127.0.0.1:9/none"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "does not answer" in result.stderr and "nobody@127.0.0.1:9/none" in result.stderr


def test_backup_of_postgresql_points_to_pg_dump(tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main(["backup", str(tmp_path / "copy"), "--outcomes",
              "postgresql+psycopg://nobody@127.0.0.1:9/none"])
    assert "For PostgreSQL use pg_dump" in str(stopped.value.code)
    assert not (tmp_path / "copy").exists()


def test_stats_answers_without_the_orm_or_the_staff(url, tmp_path):
    """`outcomes stats` reads the tables through Core (tables.py): the ORM, the staff
    module (argon2) and the server are a start-up it does not need (docs/performance.md)."""
    (tmp_path / "in.csv").write_text(to_csv([course(count=2) for _ in range(3)]))
    main(["import", str(tmp_path / "in.csv"), "--outcomes", url])
    code = ("import sys; from pico_widget.outcomes.cli import main; "
            f"main(['stats', '--outcomes', {url!r}]); "
            "bad = [m for m in sys.modules if m.startswith(('sqlalchemy.orm', 'argon2', "
            "'pico_widget.outcomes.schema', 'pico_widget.outcomes.staff', "
            "'pico_widget.server', 'pico_widget.ui'))]; assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=os.environ | {CACHE_ENV: str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert "melasma" in done.stdout


def test_the_console_command_freezes_its_objects_as_it_ends(tmp_path):
    """What spares the interpreter's collections at exit (server/command.py): the command
    as the console runs it, with no argv, leaves its objects frozen."""
    code = ("import gc, sys; from pico_widget.server.command import main; "
            f"sys.argv = ['pico-widget', 'outcomes', 'upgrade', '--outcomes', "
            f"'sqlite:///{tmp_path / 'o.db'}']; main(); print(gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert int(done.stdout.splitlines()[-1]) > 10_000


def test_a_command_run_inside_a_process_that_goes_on_freezes_nothing(tmp_path):
    """A caller that goes on (a test, a notebook) passes argv and must keep collecting."""
    import gc

    from pico_widget.server.command import main as command

    before = gc.get_freeze_count()
    command(["outcomes", "upgrade", "--outcomes", f"sqlite:///{tmp_path / 'o.db'}"])
    assert gc.get_freeze_count() == before


def test_python_dash_m_pico_widget_is_the_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pico_widget", "outcomes", "upgrade",
                           "--outcomes", f"sqlite:///{tmp_path / 'o.db'}"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("The outcomes database was upgraded from empty to ")


def test_a_backup_into_a_missing_folder_is_refused_with_a_sentence(url, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main(["backup", str(tmp_path / "none" / "copy.db"), "--outcomes", url])
    assert f"The folder {tmp_path}/none does not exist" in str(stopped.value.code)
