"""Rules versioned inside the rule (``versions:``): selection by date, references, load errors, ``rules show``.

The small pack written below has one rule with two versions and one flat rule reading it:

    t.ldtt   v1 01/10/2017–31/12/2023: rating >= 'hoan_thanh_tot'        (Luật 2003, Điều 24; verified)
             v2 from 01/01/2024:       rating == 'hoan_thanh_xuat_sac'   (Luật 2022, Điều 24.1; reported)
    t.khong  flat, from 01/10/2017:    not @ldtt   (reads the version of t.ldtt in force on the date)

Staff member a is rated hoàn thành tốt (HTT) in 2023 and 2024. By hand:
    31/12/2023 → v1: HTT >= HTT → pass; t.khong: not pass → fail.
    01/01/2024 → v2: HTT == HTXS is false → fail; t.khong: not fail → pass.
    30/09/2017 → no version in force → not_applicable (not_in_force), shown from v1 (the first).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.cli import main
from chuan_engine.errors import RuleError
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[2]

HEADER = """\
pack:
  id: t
  version: "0.1"
  title_vi: Thử phiên bản
  title_en: Versions test
"""

VERSIONED = """\
rules:
  - id: t.ldtt
    concept: ldtt
    title_vi: Lao động tiên tiến
    title_en: Advanced worker
    subject: staff
    kind: condition
    versions:
      - effective: {from: 2017-10-01, to: 2023-12-31}
        citation: {document: "Luật Thi đua, khen thưởng 2003", article: "Điều 24"}
        provenance: verified
        condition: "rating >= 'hoan_thanh_tot'"
      - effective: {from: 2024-01-01}
        citation: {document: "Luật Thi đua, khen thưởng 06/2022/QH15", article: "Điều 24", clause: "1"}
        provenance: reported
        condition: "rating == 'hoan_thanh_xuat_sac'"
        note_vi: Chỉ dùng để thử.
  - id: t.khong
    title_vi: Không đạt LĐTT
    title_en: Not an advanced worker
    subject: staff
    citation: {document: "Thử", article: "Điều 1"}
    effective: {from: 2017-10-01}
    provenance: verified
    kind: condition
    condition: "not @ldtt"
"""

FACTS = """\
kind: school
id: s
staff:
  - {id: a, recruited_on: 2010-01-01,
     years: [{year: 2023, rating: hoan_thanh_tot}, {year: 2024, rating: hoan_thanh_tot}]}
"""


def _pack_dir(tmp_path: Path, rules: str = VERSIONED) -> Path:
    d = tmp_path / "t"
    d.mkdir()
    (d / "pack.yaml").write_text(HEADER, encoding="utf-8")
    (d / "rules.yaml").write_text(rules, encoding="utf-8")
    return d


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return _pack_dir(tmp_path)


@pytest.fixture
def facts(tmp_path: Path):
    f = tmp_path / "facts.yaml"
    f.write_text(FACTS, encoding="utf-8")
    return load_facts(f)


def test_versions_compile_to_rules_sharing_the_id(pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    assert pack.rule_ids == ("t.ldtt", "t.khong")
    assert len(pack.rules) == 3  # two versions of t.ldtt, one of t.khong
    starts = [r.effective.start for r in pack.versions_of("t.ldtt")]
    assert starts == [dt.date(2017, 10, 1), dt.date(2024, 1, 1)]
    v1, v2 = pack.versions_of("t.ldtt")
    # rule-level fields shared, version fields own
    assert (v1.title_vi, v2.title_vi, v1.concept, v2.subject) == ("Lao động tiên tiến",) * 2 + ("ldtt", "staff")
    assert (v1.citation.article, v1.wording_provenance.value) == ("Điều 24", "verified")
    assert (v2.citation.clause, v2.wording_provenance.value, v2.note_vi) == ("1", "reported", "Chỉ dùng để thử.")
    assert v1.note_vi is None


@pytest.mark.parametrize(("day", "start"), [
    (dt.date(2017, 9, 30), None),                   # before the first version
    (dt.date(2017, 10, 1), dt.date(2017, 10, 1)),   # first day of v1
    (dt.date(2023, 12, 31), dt.date(2017, 10, 1)),  # last day of v1
    (dt.date(2024, 1, 1), dt.date(2024, 1, 1)),     # first day of v2
    (dt.date(2030, 6, 1), dt.date(2024, 1, 1)),     # v2 has no end
])
def test_version_on_picks_the_version_in_force(pack_dir: Path, day: dt.date, start: dt.date | None) -> None:
    pack = load_pack(pack_dir)
    got = pack.version_on("t.ldtt", day)
    assert (got.effective.start if got is not None else None) == start
    in_force = {r.id: r.effective.start for r in pack.rules_on(day)}
    assert in_force.get("t.ldtt") == start


def test_evaluation_at_the_boundary(pack_dir: Path, facts) -> None:
    pack = load_pack(pack_dir)
    old = pack.evaluate(facts, dt.date(2023, 12, 31)).entity("a")
    new = pack.evaluate(facts, dt.date(2024, 1, 1)).entity("a")
    # one result per rule (not one per version)
    assert [r.rule for r in old.results] == ["t.ldtt", "t.khong"]
    assert [r.rule for r in new.results] == ["t.ldtt", "t.khong"]
    # 31/12/2023, v1: HTT >= HTT → pass; t.khong = not pass → fail
    assert (old.result("ldtt").outcome, old.result("ldtt").effective_from) == (Outcome.passed, "2017-10-01")
    assert old.result("ldtt").effective_to == "2023-12-31"
    assert old.result("ldtt").citation.document == "Luật Thi đua, khen thưởng 2003"
    assert old.outcome("t.khong") is Outcome.failed
    # 01/01/2024, v2: HTT == HTXS is false → fail; t.khong = not fail → pass (it reads v2)
    assert (new.result("ldtt").outcome, new.result("ldtt").effective_from) == (Outcome.failed, "2024-01-01")
    assert new.result("ldtt").effective_to is None
    assert new.outcome("t.khong") is Outcome.passed


def test_before_every_version_the_rule_is_not_in_force(pack_dir: Path, facts) -> None:
    pack = load_pack(pack_dir)
    ent = pack.evaluate(facts, dt.date(2017, 9, 30)).entity("a")
    res = [r for r in ent.results if r.rule == "t.ldtt"]
    assert len(res) == 1
    assert (res[0].outcome, res[0].reason, res[0].effective_from) == (Outcome.not_applicable, "not_in_force",
                                                                      "2017-10-01")


def test_batch_takes_the_same_versions(pack_dir: Path, facts, tmp_path: Path) -> None:
    from chuan_engine.batch import evaluate_batch, facts_to_frames

    pack = load_pack(pack_dir)
    for day, expected in ((dt.date(2023, 12, 31), ("pass", "fail", "2017-10-01")),
                          (dt.date(2024, 1, 1), ("fail", "pass", "2024-01-01"))):
        res = evaluate_batch(pack, facts_to_frames(facts), day).results
        rows = {r["rule"]: r for r in res.to_dict("records")}
        assert sorted(rows) == ["t.khong", "t.ldtt"]  # one row per rule and entity
        got = (rows["t.ldtt"]["outcome"], rows["t.khong"]["outcome"], rows["t.ldtt"]["effective_from"])
        assert got == expected, day


def test_overlapping_versions_are_a_load_error(tmp_path: Path) -> None:
    # v1 ends on 01/01/2024, the day v2 starts: both would be in force that day
    rules = VERSIONED.replace("{from: 2017-10-01, to: 2023-12-31}", "{from: 2017-10-01, to: 2024-01-01}")
    d = _pack_dir(tmp_path, rules)
    with pytest.raises(RuleError) as exc:
        load_pack(d)
    assert "overlap" in exc.value.message and exc.value.rule == "t.ldtt"
    assert exc.value.file is not None and exc.value.file.endswith("rules.yaml")


def test_open_version_before_another_overlaps(tmp_path: Path) -> None:
    rules = VERSIONED.replace("{from: 2017-10-01, to: 2023-12-31}", "{from: 2017-10-01}")
    with pytest.raises(RuleError, match="overlap"):
        load_pack(_pack_dir(tmp_path, rules))


@pytest.mark.parametrize(("old", "new", "says"), [
    ("    kind: condition\n    versions:", "    kind: condition\n    effective: {from: 2017-10-01}\n    versions:",
     "in each version"),
    ("      - effective: {from: 2024-01-01}\n", "      - effective: {from: 2024-01-01}\n        subject: unit\n",
     "'subject' is the rule's own field"),
    ("      - effective: {from: 2024-01-01}\n", "      - effective_: {from: 2024-01-01}\n", "effective_"),
])
def test_malformed_versions_name_file_and_rule(tmp_path: Path, old: str, new: str, says: str) -> None:
    assert old in VERSIONED
    with pytest.raises(RuleError) as exc:
        load_pack(_pack_dir(tmp_path, VERSIONED.replace(old, new, 1)))
    assert says in exc.value.message and exc.value.rule == "t.ldtt"
    assert exc.value.file is not None and exc.value.file.endswith("rules.yaml")


def test_a_version_error_points_into_the_version(tmp_path: Path) -> None:
    rules = VERSIONED.replace("provenance: reported", "provenance: maybe")
    with pytest.raises(RuleError) as exc:
        load_pack(_pack_dir(tmp_path, rules))
    assert exc.value.message.startswith("rules[0].versions[1].provenance") and exc.value.rule == "t.ldtt"


def test_flat_form_still_loads() -> None:
    pack = load_pack(ROOT / "rules" / "demo")
    assert len(pack.rule_ids) == len(pack.rules)  # every demo rule is flat: one version each
    rid = pack.rule_ids[0]
    assert pack.versions_of(rid) == [pack.rule(rid)]


def test_rules_show_prints_every_version_in_vietnamese(pack_dir: Path, capsys) -> None:
    assert main(["rules", "show", "t.ldtt", "--pack", str(pack_dir)]) == 0
    out = capsys.readouterr().out
    assert "t.ldtt — Lao động tiên tiến" in out
    assert "Số phiên bản: 2" in out
    assert "Phiên bản 1: từ 01/10/2017 đến 31/12/2023" in out
    assert "Phiên bản 2: từ 01/01/2024 (chưa hết hiệu lực)" in out
    assert "Căn cứ: Điều 24, Luật Thi đua, khen thưởng 2003" in out
    assert "Căn cứ: khoản 1, Điều 24, Luật Thi đua, khen thưởng 06/2022/QH15" in out
    assert "Mức độ tin cậy của lời văn: đã kiểm chứng" in out
    assert "Mức độ tin cậy của lời văn: theo nguồn thứ cấp" in out
    assert out.index("Phiên bản 1") < out.index("Phiên bản 2")


def test_rules_show_json_lists_versions(pack_dir: Path, capsys) -> None:
    assert main(["rules", "show", "t.ldtt", "--pack", str(pack_dir), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [v["effective"] for v in doc["versions"]] == [{"from": "2017-10-01", "to": "2023-12-31"},
                                                         {"from": "2024-01-01", "to": None}]
    assert [v["provenance"] for v in doc["versions"]] == ["verified", "reported"]
    assert doc["effective"] == {"from": "2024-01-01", "to": None}  # top level: the latest version


# -- the thi_dua pack ------------------------------------------------------------------------------

THI_DUA_IDS = [
    "thi_dua.lao_dong_tien_tien", "thi_dua.chien_si_thi_dua_co_so", "thi_dua.chien_si_thi_dua_cap_bo",
    "thi_dua.chien_si_thi_dua_toan_quoc", "thi_dua.tap_the_lao_dong_tien_tien",
    "thi_dua.tap_the_lao_dong_xuat_sac", "thi_dua.co_thi_dua_cap_bo", "thi_dua.co_thi_dua_chinh_phu",
    "thi_dua.giay_khen", "thi_dua.bang_khen_cap_bo", "thi_dua.bang_khen_thu_tuong", "thi_dua.giay_khen_tap_the",
    "thi_dua.bang_khen_cap_bo_tap_the",
]


def test_thi_dua_has_one_rule_per_title_with_two_versions() -> None:
    pack = load_pack(ROOT / "rules" / "thi_dua")
    assert sorted(pack.rule_ids) == sorted(THI_DUA_IDS)
    for rid in THI_DUA_IDS:
        periods = [(r.effective.start, r.effective.end) for r in pack.versions_of(rid)]
        # Luật 2003/2013 + NĐ 91/2017 to 31/12/2023; Luật 06/2022 from 01/01/2024 (NĐ 152/2025: no new version)
        assert periods == [(dt.date(2017, 10, 1), dt.date(2023, 12, 31)), (dt.date(2024, 1, 1), None)], rid
        assert all(r.citation.article for r in pack.versions_of(rid)), rid
    assert pack.version_on("thi_dua.lao_dong_tien_tien", dt.date(2025, 7, 1)).effective.start == dt.date(2024, 1, 1)


def test_thi_dua_grassroots_fighter_at_the_boundary(tmp_path: Path) -> None:
    """HTXSNV in 2023 and 2024, no initiative, no research, recruited 2010.
    31/12/2023 (NĐ 91/2017 Điều 9): LĐTT, but CSTĐCS needs an initiative or applied research → fail.
    01/01/2024 (Luật 2022 Điều 23): evaluation year 2024, LĐTT (HTXS >= HTT, 14 years >= 6 months) and HTXSNV
    alone suffices → pass."""
    f = tmp_path / "hoa.yaml"
    f.write_text("kind: school\nid: s\nstaff:\n  - {id: hoa, recruited_on: 2010-01-01, years: ["
                 "{year: 2023, rating: hoan_thanh_xuat_sac, discipline: khong, discipline_pending: false}, "
                 "{year: 2024, rating: hoan_thanh_xuat_sac, discipline: khong, discipline_pending: false}], "
                 "initiatives: [], research: []}\n",
                 encoding="utf-8")
    pack = load_pack(ROOT / "rules" / "thi_dua")
    facts = load_facts(f)
    old = pack.evaluate(facts, dt.date(2023, 12, 31)).entity("hoa")
    new = pack.evaluate(facts, dt.date(2024, 1, 1)).entity("hoa")
    assert old.outcome("lao_dong_tien_tien") is Outcome.passed
    assert old.outcome("chien_si_thi_dua_co_so") is Outcome.failed
    assert new.outcome("chien_si_thi_dua_co_so") is Outcome.passed
    assert new.result("chien_si_thi_dua_co_so").effective_from == "2024-01-01"
