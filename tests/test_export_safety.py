"""Exports are private and never destroy what pegboard did not write: a folder of other
files or a symlink is refused, a previous export is replaced whole, files are 0600 in a
0700 folder whatever the umask, and a folder holding two exports is not imported."""

import os
import stat

import pytest

from pegboard.cli import main
from pegboard.store.database import close_database

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "book.db"
    assert main(["--db", str(path), "demo", "--leads", "30"]) == 0
    close_database()
    return path


def run(book, *args, capsys):
    capsys.readouterr()
    code = main(["--db", str(book), *args])
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def mode(path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_export_files_are_private_whatever_the_umask(book, tmp_path, capsys):
    previous = os.umask(0)
    try:
        code, _, err = run(book, "export", str(tmp_path / "out"), capsys=capsys)
        assert code == 0, err
        code, _, err = run(book, "export", "--ics", str(tmp_path / "due.ics"), capsys=capsys)
        assert code == 0, err
    finally:
        os.umask(previous)
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 7
    assert mode(tmp_path / "out") == "0o700"
    assert {mode(path) for path in files} == {"0o600"}
    assert mode(tmp_path / "due.ics") == "0o600"


def test_a_folder_with_other_files_is_refused_and_left_alone(book, tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "taxes.xlsx").write_bytes(b"precious")
    (folder / "leads.csv").write_text("my own list\n")
    code, _, err = run(book, "export", str(folder), capsys=capsys)
    assert code == 2
    assert "not a pegboard export (taxes.xlsx)" in err
    assert (folder / "leads.csv").read_text() == "my own list\n"
    assert sorted(p.name for p in folder.iterdir()) == ["leads.csv", "taxes.xlsx"]


def test_a_symlink_is_never_followed(book, tmp_path, capsys):
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours\n")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "leads.csv").symlink_to(target)
    code, _, err = run(book, "export", str(folder), capsys=capsys)
    assert code == 2 and "leads.csv" in err
    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(tmp_path / "real", target_is_directory=True)
    code, _, err = run(book, "export", str(linked_folder), capsys=capsys)
    assert code == 2 and "symlink" in err
    ics = tmp_path / "due.ics"
    ics.symlink_to(target)
    code, _, err = run(book, "export", "--ics", str(ics), capsys=capsys)
    assert code == 2 and "symlink" in err
    assert target.read_text() == "not yours\n"
    assert not (tmp_path / "real").exists()


def test_a_previous_export_is_replaced_whole(book, tmp_path, capsys):
    folder = tmp_path / "out"
    assert run(book, "export", str(folder), capsys=capsys)[0] == 0
    assert run(book, "export", str(folder), "--format", "json", capsys=capsys)[0] == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        f"{table}.json"
        for table in (
            "contacts",
            "partners",
            "leads",
            "stage_changes",
            "touches",
            "referrals",
            "purchases",
        )
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_folder_holding_a_csv_and_a_json_export_is_not_imported(book, tmp_path, capsys):
    csv_folder, json_folder = tmp_path / "csv", tmp_path / "json"
    assert run(book, "export", str(csv_folder), capsys=capsys)[0] == 0
    assert run(book, "export", str(json_folder), "--format", "json", capsys=capsys)[0] == 0
    (csv_folder / "leads.json").write_bytes((json_folder / "leads.json").read_bytes())
    code, _, err = run(tmp_path / "new.db", "import", str(csv_folder), capsys=capsys)
    assert code == 2
    assert "both a CSV and a JSON export" in err
