"""Issue 12 part 3: a bad ``--params`` file or a bad ``--out`` path is a named error, exit 2, no traceback,
nothing on stdout and no output (or temporary) file.

Parameter files are checked like packs: what the file alone shows (NaN, a number in quotes, a period that
ends before it starts, overlapping periods, an unknown key) when it is read, and whether each value fits the
parameter it overrides (a share in [0, 1], a number that is not true/false or text) where it meets the pack.
The demo pack (rules/demo) declares ``demo.master_share_min`` with unit ratio (0.9), and
``demo.provincial_topics_min`` with unit count (2, then 3 from 2024).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
from pathlib import Path

import pytest

from chuan_engine import load_pack, read_parameter_file
from chuan_engine.atomic import write_atomic
from chuan_engine.cli import main
from chuan_engine.errors import OutputError, ParameterError

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "rules" / "demo")
FACTS = str(ROOT / "fixtures" / "demo")
SHARE = "demo.master_share_min"
COUNT = "demo.provincial_topics_min"


def params_refused(capsys, tmp_path: Path, content: str, *needles: str, parameter: str | None,
                   name: str = "params.yaml", en: tuple[str, ...] = ()) -> ParameterError:
    """The CLI refuses the parameter file (exit 2, nothing written); the library raises ParameterError naming it.

    ``needles`` are looked for in the default (Vietnamese) message, ``en`` in the one ``--lang en`` prints."""
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    out_file = tmp_path / "report.json"
    for lang, wanted, word in ((None, needles, "tham số"), ("en", en, "parameter")):
        code = main(["evaluate", FACTS, "--pack", DEMO, "--date", "2025-12-31", "--format", "json",
                     "--params", str(f), "--out", str(out_file), *(["--lang", lang] if lang else [])])
        out, err = capsys.readouterr()
        assert code == 2, err
        assert "Traceback" not in out + err
        assert out == ""
        assert not out_file.exists()
        assert list(tmp_path.iterdir()) == [f]  # no temporary file beside the output either
        assert str(f) in err
        if parameter is not None:
            assert f"{word} '{parameter}'" in err, err
        for needle in wanted:
            assert needle in err, err
    with pytest.raises(ParameterError) as info:
        load_pack(DEMO).with_parameters(read_parameter_file(f))
    assert info.value.file == str(f)
    assert info.value.parameter == parameter
    return info.value


# -- values that do not fit the parameter (checked against the pack) ------------------------------

@pytest.mark.parametrize("value", ["90", "100", "1.5"])
def test_share_written_as_a_percentage_is_refused_with_the_way_to_write_it(capsys, tmp_path, value):
    # 90 for 90 % once replaced a 0.9 threshold and made every school fail.
    params_refused(capsys, tmp_path, f"{SHARE}: {value}\n", "trông như phần trăm", "0.9 cho 90 %",
                   en=("looks like a percentage", "0.9 for 90 %"), parameter=SHARE)


@pytest.mark.parametrize("value", ["-1", "-0.5", "150"])
def test_share_outside_0_1_is_refused(capsys, tmp_path, value):
    params_refused(capsys, tmp_path, f"{SHARE}:\n  - {{value: {value}, from: 2021-05-19}}\n",
                   "tỷ lệ phải từ 0 đến 1", en=("a share must be from 0 to 1",), parameter=SHARE)


@pytest.mark.parametrize("param", [SHARE, COUNT])
def test_true_for_a_numeric_parameter_is_refused(capsys, tmp_path, param):
    params_refused(capsys, tmp_path, f"{param}: true\n", "phải là một số", en=("must be a number: True",),
                   parameter=param)


def test_text_for_a_number_is_refused(capsys, tmp_path):
    params_refused(capsys, tmp_path, f"{COUNT}: nhiều\n", "phải là một số", en=("must be a number: 'nhiều'",),
                   parameter=COUNT)


@pytest.mark.parametrize("value", ["2.5", "-1"])
def test_count_must_be_a_whole_number_0_or_more(capsys, tmp_path, value):
    params_refused(capsys, tmp_path, f"{COUNT}: {value}\n", "số nguyên không âm", en=("whole number, 0 or more",),
                   parameter=COUNT)


def test_unknown_parameter_is_still_refused_and_names_the_file(capsys, tmp_path):
    params_refused(capsys, tmp_path, "demo.nope: 3\n", "không có tham số 'demo.nope'",
                   en=("unknown parameter 'demo.nope'",), parameter="demo.nope")


# -- what the file alone shows (checked when it is read) ------------------------------------------

@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_or_infinite_value_is_refused(capsys, tmp_path, value):
    params_refused(capsys, tmp_path, f"{SHARE}: {value}\n", "số hữu hạn", en=("must be a finite number",),
                   parameter=SHARE)


def test_nan_in_json_is_refused(capsys, tmp_path):
    # JSON's parser accepts NaN; the file reader refuses it before any parameter is looked at.
    err = params_refused(capsys, tmp_path, '{"demo.master_share_min": NaN}', "NaN", parameter=None,
                         name="params.json")
    assert "NaN is not a number JSON allows" in err.message


@pytest.mark.parametrize("value", ["'0.9'", "'90 %'", "'0,9'"])
def test_number_in_quotes_is_refused(capsys, tmp_path, value):
    params_refused(capsys, tmp_path, f"{SHARE}: {value}\n", "hãy bỏ dấu ngoặc", en=("write it without quotes",),
                   parameter=SHARE)


def test_period_whose_to_precedes_from_is_refused(capsys, tmp_path):
    params_refused(capsys, tmp_path, f"{COUNT}:\n  - {{value: 2, from: 2025-01-01, to: 2024-12-31}}\n",
                   "kết thúc (2024-12-31) trước khi bắt đầu (2025-01-01)",
                   en=("period ends (2024-12-31) before it starts (2025-01-01)",), parameter=COUNT)


def test_overlapping_periods_are_refused(capsys, tmp_path):
    # [2024-01-01, 2025-06-30] and [2025-01-01, …) share the first half of 2025.
    params_refused(capsys, tmp_path, f"{COUNT}:\n  - {{value: 2, from: 2024-01-01, to: 2025-06-30}}\n"
                   "  - {value: 3, from: 2025-01-01}\n",
                   "chồng nhau từ 2025-01-01", en=("two periods overlap from 2025-01-01",), parameter=COUNT)


def test_two_periods_from_the_same_day_are_refused(capsys, tmp_path):
    params_refused(capsys, tmp_path, f"{COUNT}:\n  - {{value: 2, from: 2024-01-01}}\n  - {{value: 3, from: 2024-01-01}}\n",
                   "chồng nhau từ 2024-01-01", en=("two periods overlap from 2024-01-01",), parameter=COUNT)


def test_misspelt_key_is_refused_not_ignored(capsys, tmp_path):
    # `form` for `from` once made the override apply from the beginning of time.
    params_refused(capsys, tmp_path, f"{COUNT}: {{value: 4, form: 2025-01-01}}\n", "khóa không hợp lệ ['form']",
                   en=("unknown keys ['form']",), parameter=COUNT)


def test_impossible_date_is_refused(capsys, tmp_path):
    params_refused(capsys, tmp_path, f"{COUNT}: {{value: 4, from: 2025-02-30}}\n", "YYYY-MM-DD", parameter=COUNT)


def test_good_overrides_are_accepted(tmp_path):
    # Boundaries 0 and 1 are shares; successive periods without `to` follow each other as a pack's values do;
    # a period ending the day before the next starts does not overlap it.
    f = tmp_path / "params.yaml"
    f.write_text(f"{SHARE}: 1\ndemo.lecturer_share_min: 0\n"
                 f"{COUNT}:\n  - {{value: 4, from: 2024-01-01}}\n  - {{value: 5, from: 2025-01-01}}\n"
                 "demo.new_hire_months:\n  - {value: 8, from: 2020-01-01, to: 2024-12-31}\n"
                 "  - {value: 9, from: 2025-01-01}\n", encoding="utf-8")
    p = load_pack(DEMO).with_parameters(read_parameter_file(f)).parameters
    assert p.at(SHARE, dt.date(2025, 6, 1)).value == 1
    assert p.at("demo.lecturer_share_min", dt.date(2025, 6, 1)).value == 0
    assert p.at(COUNT, dt.date(2024, 6, 1)).value == 4 and p.at(COUNT, dt.date(2025, 6, 1)).value == 5
    assert p.at("demo.new_hire_months", dt.date(2024, 12, 31)).value == 8
    assert p.at("demo.new_hire_months", dt.date(2025, 1, 1)).value == 9


def test_bad_override_given_in_code_names_the_parameter():
    # with_parameters checks overrides built in code too (no file then).
    from chuan_engine import ParameterValue, Provenance

    value = ParameterValue(dt.date(2021, 5, 19), 90, "người dùng", Provenance.override)
    with pytest.raises(ParameterError, match="0.9 for 90 %") as info:
        load_pack(DEMO).with_parameters({SHARE: (value,)})
    assert info.value.parameter == SHARE and info.value.file is None


# -- --out ----------------------------------------------------------------------------------------

def out_refused(capsys, target: Path, *needles: str, command: str = "evaluate") -> None:
    """The CLI refuses to write ``target`` (exit 2, nothing on stdout, no temporary file left)."""
    folder = target.parent if target.parent.is_dir() else target.parent.parent
    before = sorted(os.listdir(folder))
    code = main([command, FACTS, "--pack", DEMO, "--date", "2025-12-31", "--format", "json", "--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in out + err
    assert out == ""
    assert str(target) in err
    for needle in needles:
        assert needle in err, err
    assert sorted(os.listdir(folder)) == before  # no partial or temporary file
    with pytest.raises(OutputError) as info:
        write_atomic(target, "{}\n")
    assert info.value.file == str(target)
    assert sorted(os.listdir(folder)) == before


@pytest.mark.parametrize("command", ["evaluate", "gaps"])
def test_out_onto_a_folder_is_refused(capsys, tmp_path, command):
    target = tmp_path / "reports"
    target.mkdir()
    out_refused(capsys, target, "là một thư mục", "is a folder, not a file", command=command)
    assert target.is_dir() and list(target.iterdir()) == []


def test_out_onto_something_not_a_regular_file_is_refused(capsys, tmp_path):
    target = tmp_path / "pipe"
    os.mkfifo(target)
    out_refused(capsys, target, "không phải tệp thông thường", "not a regular file")


def test_out_under_a_file_is_refused(capsys, tmp_path):
    # a missing folder is created, but not where a file stands: report.txt/r.json cannot be made.
    (tmp_path / "report.txt").write_text("old\n", encoding="utf-8")
    out_refused(capsys, tmp_path / "report.txt" / "r.json", "part of the path is a file, not a folder")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "old\n"


def test_out_into_a_missing_folder_creates_it(capsys, tmp_path):
    # kept behaviour (see tests/app/test_cli.py::test_json_to_file): a missing folder that can be made is made.
    target = tmp_path / "new" / "r.json"
    assert main(["evaluate", FACTS, "--pack", DEMO, "--date", "2025-12-31", "--format", "json",
                 "--out", str(target)]) == 0
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


def test_out_into_a_read_only_folder_is_refused(capsys, tmp_path, monkeypatch):
    # The tests may run as root, for whom chmod 0o555 forbids nothing; the refusal the OS gives a user is
    # simulated where the temporary file is created.
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    out_refused(capsys, tmp_path / "r.json", "không có quyền ghi", "no permission to write in this folder")


def test_out_on_a_full_disk_is_refused_and_the_old_report_kept(capsys, tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old report\n", encoding="utf-8")

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    out_refused(capsys, target, "đĩa đầy", "disk full")
    assert target.read_text(encoding="utf-8") == "old report\n"


@pytest.mark.parametrize("name", ["a" * 300 + ".json", "ả" * 100 + ".json"])  # 305 and 305 bytes > 255
def test_out_with_a_too_long_name_is_refused(capsys, tmp_path, name):
    out_refused(capsys, tmp_path / name, "tên tệp quá dài", "file name too long")


def test_out_with_a_long_name_that_fits_is_written(tmp_path):
    # 250 bytes fit; the temporary name is bounded, so its extra length does not refuse the file.
    target = tmp_path / ("b" * 245 + ".json")
    write_atomic(target, "{}\n")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
