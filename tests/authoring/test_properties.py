"""The reusable pack properties (chuan_engine.testing.properties) on every shipped pack, and proof that
each property catches the defect it is about (so a green run is not vacuous)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, seed, settings
from hypothesis import strategies as st

from chuan_engine import load_facts, load_pack
from chuan_engine.facts.models import Staff
from chuan_engine.testing import properties as P
from chuan_engine.testing import strategies as S

ROOT = Path(__file__).resolve().parents[2]
PACK_DIRS = sorted(d for d in (ROOT / "rules").iterdir() if (d / "pack.yaml").exists())
_PACKS: dict[Path, object] = {}


def pack_at(d: Path):
    if d not in _PACKS:
        _PACKS[d] = load_pack(d)
    return _PACKS[d]


_FACTS_BY_PACK = {d: S.facts(pack_at(d)) for d in PACK_DIRS}
picks = st.integers(0, 10_000)
# Each property evaluates a pack several times per example: keep every pack's run bounded whatever the profile.
bounded = settings(max_examples=25)


# -- every shipped pack, generated facts ---------------------------------------------------------

@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda d: d.name)
@bounded
@given(data=st.data(), on=S.dates())
def test_implications_and_levels_hold(pack_dir, data, on):
    pack = pack_at(pack_dir)
    P.assert_holds(P.implications(pack, data.draw(_FACTS_BY_PACK[pack_dir]), on))


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda d: d.name)
@bounded
@given(data=st.data(), on=S.dates(), pick=picks)
def test_monotone_declarations_hold(pack_dir, data, on, pick):
    pack = pack_at(pack_dir)
    P.assert_holds(P.monotonicity(pack, data.draw(_FACTS_BY_PACK[pack_dir]), on, pick))


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda d: d.name)
@bounded
@given(data=st.data(), on=S.dates(), pick=picks)
def test_removing_a_fact_never_flips_a_verdict(pack_dir, data, on, pick):
    pack = pack_at(pack_dir)
    facts = data.draw(_FACTS_BY_PACK[pack_dir])
    # An example with nothing to remove would pass without checking anything: hypothesis draws another.
    assume(next(iter(P.removals(pack, facts)), None) is not None)
    P.assert_holds(P.unknown_removal(pack, facts, on, pick))


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda d: d.name)
@bounded
@given(data=st.data(), on=S.dates(), pick=picks)
def test_supplying_facts_resolves_unknowns(pack_dir, data, on, pick):
    pack = pack_at(pack_dir)
    facts = data.draw(_FACTS_BY_PACK[pack_dir])
    P.assert_holds(P.unknown_supply(pack, facts, on, pick) + P.unknown_completion(pack, facts, on, pick))


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda d: d.name)
@bounded
@given(data=st.data(), on=S.dates(), seed=picks)
def test_order_of_entities_does_not_matter(pack_dir, data, on, seed):
    pack = pack_at(pack_dir)
    P.assert_holds(P.determinism(pack, data.draw(_FACTS_BY_PACK[pack_dir]), on, seed))


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda d: d.name)
@bounded
@given(data=st.data())
def test_regime_boundary_changes_only_what_the_law_changed(pack_dir, data):
    pack = pack_at(pack_dir)
    P.assert_holds(P.regime_boundary(pack, data.draw(_FACTS_BY_PACK[pack_dir]), dt.date(2024, 1, 1)))


def test_check_pack_properties_one_liner(demo_pack):
    P.check_pack_properties(demo_pack, max_examples=5)


# -- the demo fixtures ---------------------------------------------------------------------------

@pytest.mark.parametrize("on", [dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2025, 12, 31)])
def test_all_properties_on_demo_fixtures(demo_pack, demo_facts, on):
    for pick in range(0, 60, 7):
        P.assert_holds(P.check_all(demo_pack, demo_facts, on, pick))


def test_what_the_law_changed_on_2024_01_01(demo_pack):
    # By hand from rules/demo: LĐTT, CSTĐCS and TTLĐTT take effect on 2024-01-01 (no version before);
    # demo.provincial_topics_min goes 2 -> 3 on 2024-01-01 (and de_tai reads in_window). The other school
    # rules read parameters unchanged since 2021-05-19 and no date function: their verdicts must not move.
    changed = P.changed_by_law(demo_pack, dt.date(2023, 12, 31), dt.date(2024, 1, 1))
    assert changed == {"lao_dong_tien_tien", "chien_si_thi_dua_co_so", "tap_the_lao_dong_tien_tien",
                       "demo.de_tai_cap_tinh"}


def test_file_order_does_not_matter(tmp_path, demo_pack):
    # Split the demo roster over three files; load them in two orders: same verdicts.
    src = yaml.safe_load((ROOT / "fixtures" / "demo" / "truong_demo.yaml").read_text(encoding="utf-8"))
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(src, allow_unicode=True), encoding="utf-8")
    shutil.copy(ROOT / "fixtures" / "demo" / "truong_tong_hop.yaml", tmp_path / "b.yaml")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {"kind": "staff", "id": "loose1", "recruited_on": dt.date(2020, 1, 1),
         "years": [{"year": 2025, "rating": "hoan_thanh_tot"}]}, allow_unicode=True), encoding="utf-8")
    on = dt.date(2025, 12, 31)
    one = P._signature(demo_pack.evaluate(load_facts(tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"), on))
    two = P._signature(demo_pack.evaluate(load_facts(tmp_path / "c.yaml", tmp_path / "b.yaml", tmp_path / "a.yaml"), on))
    assert one == two and len(one) > 20


# -- each property catches its defect ---------------------------------------------------------------

def _demo_copy(tmp_path: Path, edit) -> Path:
    dst = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "demo", dst, ignore=shutil.ignore_patterns("tests"))
    edit(dst)
    return dst


def _edit_yaml(path: Path, fn) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_false_implication_is_caught(tmp_path, demo_facts):
    # Declare LĐTT ⇒ CSTĐCS, which the law does not say. gv03 (HTT 2025, no discipline, recruited 2015,
    # no initiative) is LĐTT but not CSTĐCS (needs HTXS or an initiative) on 2025-12-31.
    d = _demo_copy(tmp_path, lambda d: _edit_yaml(d / "pack.yaml", lambda y: y["pack"]["implications"].append(
        {"if": "lao_dong_tien_tien", "then": "chien_si_thi_dua_co_so"})))
    v = P.implications(load_pack(d), demo_facts, dt.date(2025, 12, 31))
    assert any(x.entity == "gv03" and x.rule == "demo.lao_dong_tien_tien" for x in v)


def test_a_false_monotone_declaration_is_caught(tmp_path, demo_facts):
    # Declare the "no staff disciplined" rule monotone in discipline-free share... by a rule that *falls*
    # as lecturer_share rises: lecturer_share <= 0.9. demo_b supplies lecturer_share 0.899 -> pass;
    # increased by 0.1 to 0.999 -> fail.
    def edit(d: Path) -> None:
        def add(y):
            y["rules"].append({**y["rules"][3], "id": "demo.it_giang_vien", "condition": "lecturer_share <= 0.9",
                               "monotone_in": ["lecturer_share"]})
        _edit_yaml(d / "school.yaml", add)
    pack = load_pack(_demo_copy(tmp_path, edit))
    found = []
    for pick in range(4):
        found += P.monotonicity(pack, demo_facts, dt.date(2025, 12, 31), pick)
    assert any(x.entity == "demo_b" and x.rule == "demo.it_giang_vien" for x in found)


def test_monotone_in_an_unknown_name_is_caught(tmp_path, demo_facts):
    d = _demo_copy(tmp_path, lambda d: _edit_yaml(
        d / "school.yaml", lambda y: y["rules"][1].update(monotone_in=["khong_co_bien_nay"])))
    v = P.monotonicity(load_pack(d), demo_facts, dt.date(2025, 12, 31))
    assert [x.rule for x in v] == ["demo.giang_vien_thac_si"]


def test_rules_reading_knowledge_are_exempt_and_would_flip(tmp_path, demo_facts):
    # coalesce(has_code_of_conduct, false) == false: with the fact (true) it fails; without it, passes.
    d = _demo_copy(tmp_path, lambda d: _edit_yaml(d / "school.yaml", lambda y: y["rules"].append(
        {**y["rules"][3], "id": "demo.chua_co_quy_tac", "condition": "coalesce(has_code_of_conduct, false) == false"})))
    pack = load_pack(d)
    demo_a = demo_facts.school("demo_a")
    reduced = P.replace_model(demo_facts, demo_a, demo_a.model_copy(update={"inputs": {}}))
    on = dt.date(2025, 12, 31)
    before, after = pack.evaluate(demo_facts, on), pack.evaluate(reduced, on)
    assert before.entity("demo_a").outcome("demo.chua_co_quy_tac").value == "fail"
    assert after.entity("demo_a").outcome("demo.chua_co_quy_tac").value == "pass"
    assert "demo.chua_co_quy_tac" in P._exempt(pack)
    assert P._flips(pack, before, after, "x", "y") == []


def test_removals_and_supplies_are_enumerated(demo_pack, demo_facts):
    removed = [what for what, _ in P.removals(demo_pack, demo_facts)]
    assert "staff gv01: degree" in removed and "school demo_a: input has_code_of_conduct" in removed
    assert "school demo_a: staff list" in removed
    # Removing gv04's degree (thạc sĩ) makes master_share unknown for demo_a: fail/pass -> unknown only.
    build = dict(P.removals(demo_pack, demo_facts))["staff gv01: degree"]
    after = demo_pack.evaluate(build(), dt.date(2025, 12, 31))
    assert after.entity("demo_a").outcome("demo.giang_vien_thac_si").value == "unknown"


def test_completion_leaves_no_fact_unknown(demo_pack, demo_facts):
    on = dt.date(2025, 12, 31)
    full = P.complete(demo_pack, demo_facts, on, pick=3)
    report = demo_pack.evaluate(full, on)
    # gv09 has no rating in 2025 (unknown LĐTT before); completed, it is known.
    assert demo_pack.evaluate(demo_facts, on).entity("gv09").outcome("demo.lao_dong_tien_tien").value == "unknown"
    assert report.entity("gv09").outcome("demo.lao_dong_tien_tien").value in ("pass", "fail")


def test_shuffling_really_reorders(demo_facts):
    names = [p.id for p in demo_facts.school("demo_a").staff]
    orders = {tuple(p.id for p in P.shuffled(demo_facts, seed).school("demo_a").staff) for seed in range(5)}
    assert len(orders) > 1 and all(sorted(o) == sorted(names) for o in orders)


@given(S.staff_member("s1", ("u0", "u1")))
def test_generated_staff_are_valid_models(person):
    # Round-trip through validation: the strategies only produce what the loader accepts.
    assert Staff.model_validate(person.model_dump()) == person


def test_generated_facts_reach_pass_and_fail_for_every_demo_rule():
    # Non-vacuity: the strategies produce cases where each demo rule passes and others where it fails,
    # so the properties above are exercised on decided verdicts, not only on unknowns.
    # A pack loaded here, not the session `demo_pack` nor `_PACKS`: the verdicts seen depend on this test's
    # seed alone, whatever other tests did with the shared packs before (it was reported order-dependent).
    demo_pack = load_pack(ROOT / "rules" / "demo")
    seen: dict[str, set[str]] = {r.id: set() for r in demo_pack.rules}

    @settings(max_examples=100, database=None)
    @seed(20241)
    @given(S.facts(demo_pack), S.dates(dt.date(2024, 1, 1)))
    def collect(facts, on):
        for e in demo_pack.evaluate(facts, on).entities:
            for r in e.results:
                seen[r.rule].add(r.outcome.value)

    collect()
    assert {rid: {"pass", "fail"} <= outs for rid, outs in seen.items()} == {rid: True for rid in seen}


HISTORY_RULES = """
rules:
  - id: mini.chien_si_thi_dua_cap_tinh
    concept: chien_si_thi_dua_cap_tinh
    title_vi: Chiến sĩ thi đua cấp tỉnh (minh họa)
    title_en: Provincial emulation fighter (illustration)
    subject: staff
    group: thi_dua
    citation: {document: "Luật Thi đua, khen thưởng 06/2022/QH15", article: "Điều 22"}
    effective: {from: 2024-01-01}
    provenance: provisional
    kind: condition
    condition: "streak(history, @chien_si_thi_dua_co_so) >= 3 and any(initiatives, level >= 'bo_tinh')"
    monotone_in: [initiatives, rating]
  - id: mini.ba_nam_cstdcs
    concept: ba_nam_cstdcs
    title_vi: Ba năm liên tục đạt Chiến sĩ thi đua cơ sở
    title_en: Three consecutive years as grassroots emulation fighter
    subject: staff
    group: thi_dua
    citation: {document: "Luật Thi đua, khen thưởng 06/2022/QH15", article: "Điều 22"}
    effective: {from: 2024-01-01}
    provenance: provisional
    kind: condition
    condition: "streak(history, @chien_si_thi_dua_co_so) >= 3"
"""


@pytest.fixture(scope="module")
def history_pack(tmp_path_factory):
    # The demo pack plus a history rule and the implication "CSTĐ cấp tỉnh ⇒ 3 consecutive CSTĐCS";
    # CSTĐCS ⇒ LĐTT is already declared by the demo header.
    def edit(d: Path) -> None:
        (d / "history.yaml").write_text(HISTORY_RULES, encoding="utf-8")
        _edit_yaml(d / "pack.yaml", lambda y: y["pack"]["implications"].append(
            {"if": "chien_si_thi_dua_cap_tinh", "then": "ba_nam_cstdcs"}))
        _edit_yaml(d / "emulation.yaml", lambda y: y["rules"][0].update(monotone_in=["rating"]))
    return load_pack(_demo_copy(tmp_path_factory.mktemp("history"), edit))


@bounded
@given(data=st.data(), pick=picks)
def test_history_implications_and_monotonicity(history_pack, data, pick):
    facts = data.draw(S.facts(history_pack, years=(2022, 2023, 2024, 2025, 2026)))
    on = data.draw(st.sampled_from([dt.date(2025, 12, 31), dt.date(2026, 12, 31)]))
    P.assert_holds(P.implications(history_pack, facts, on) + P.monotonicity(history_pack, facts, on, pick))


def test_history_rule_by_hand(history_pack):
    # gv1: HTXS in 2024, 2025, 2026, no discipline, recruited 2010, a provincial initiative in 2026:
    # CSTĐCS 2024..2026 (HTXS) -> streak 3 -> CSTĐ cấp tỉnh passes on 2026-12-31. On 2025-12-31 the history
    # starts at the first record (2024): streak 2 < 3 -> fail (the engine reads years before the first record
    # as outside the history, not as unknown).
    facts = load_facts_from({"kind": "staff", "id": "gv1", "recruited_on": "2010-01-01",
                             "years": [{"year": y, "rating": "HTXSNV", "discipline": "khong", "discipline_pending": False}
                                       for y in (2024, 2025, 2026)],
                             "initiatives": [{"id": "sk1", "level": "cap_tinh", "year": 2026}]})
    r26 = history_pack.evaluate(facts, dt.date(2026, 12, 31)).entity("gv1")
    assert r26.outcome("chien_si_thi_dua_cap_tinh").value == "pass"
    r25 = history_pack.evaluate(facts, dt.date(2025, 12, 31)).entity("gv1")
    assert r25.outcome("ba_nam_cstdcs").value == "fail"
    assert r25.outcome("chien_si_thi_dua_cap_tinh").value == "fail"


def load_facts_from(entity: dict):
    from chuan_engine.facts.loader import parse_entity
    from chuan_engine.facts.store import Facts

    return Facts.of([parse_entity(entity)])


# -- issue 12's Done-when: every shipped pack on its complete fixture ------------------------------------
FIXTURES = [  # (pack, its fixture, the date the fixture is written for)
    ("demo", "fixtures/demo", dt.date(2025, 12, 31)),
    ("thi_dua", "fixtures/thi_dua", dt.date(2025, 12, 31)),
    ("qd11_2021", "fixtures/schools", dt.date(2025, 6, 30)),
    ("tieu_bieu_nam_dinh", "fixtures/tieu_bieu_nam_dinh", dt.date(2024, 12, 31)),
    ("ke_hoach_binh_phuoc_2021_2025", "fixtures/plans/binh_phuoc.yaml", dt.date(2025, 12, 31)),
    ("ke_hoach_lai_chau_2023", "fixtures/plans/lai_chau_2023.yaml", dt.date(2023, 12, 31)),
    ("ke_hoach_cum_btb_2023", "fixtures/clusters/bac_trung_bo_2023.yaml", dt.date(2023, 12, 31)),
]


def test_every_shipped_pack_has_a_complete_fixture_here():
    assert sorted(p for p, _, _ in FIXTURES) == sorted(d.name for d in PACK_DIRS)


@pytest.mark.parametrize(("pack_name", "fixture", "on"), FIXTURES, ids=[f[0] for f in FIXTURES])
@pytest.mark.parametrize("pick", [0, 5])
def test_removing_one_fact_of_a_complete_fixture_only_gives_unknown_and_supplying_it_restores(
        pack_name, fixture, on, pick):
    pack = pack_at(ROOT / "rules" / pack_name)
    facts = load_facts(ROOT / fixture)
    full = P.complete(pack, facts, on, pick)
    # the fixture has facts to remove, of every kind of entity it holds, items' fields included
    removed = [what for what, _ in P.removals(pack, full)]
    assert len(removed) > 40
    if pack_name == "thi_dua":
        assert any(": initiatives " in w for w in removed)
    # 10 removals evenly spaced over all of them (a different 10 for each pick), each evaluated twice
    P.assert_holds(P.removal_round_trip(pack, facts, on, sample=10, pick=pick))


# -- completion agrees with the records (hypothesis seed 73903234862895737428373618701068001661) -------------
# thi_dua on 31/12/2022 (TTLĐTT ≤ 2023: unit rated >= HTT, MORE than 50 % of members LĐTT, no member at cảnh cáo
# or above, no pending review). Unit u rated HTT in 2022. a: recruited 2010, HTT 2022, no discipline -> LĐTT.
# b: no recruitment date, a 2022 record rated hoàn thành -> not LĐTT whatever the date. Members a, b: 1/2 = 0.5,
# not > 0.5 -> TTLĐTT fails, decided. The defect: completion supplied b's date by pick alone (pick 25 ->
# 2025-02-01), after b's 2022 record, so b left the 2022 members (recruited_after) and TTLĐTT became 1/1 -> pass:
# "supplying every missing fact turned fail into pass". A supplied date may not contradict the records: not after
# the first year record (2022) -> 2022-02-01, b stays a member, 0.5 -> fail.
def test_completion_supplies_a_recruitment_date_that_agrees_with_the_records():
    pack = pack_at(ROOT / "rules" / "thi_dua")
    on = dt.date(2022, 12, 31)
    facts = load_facts_from({"kind": "school", "id": "s", "units": [
        {"id": "u", "years": [{"year": 2022, "rating": "hoan_thanh_tot"}]}], "staff": [
        {"id": "a", "unit_id": "u", "recruited_on": "2010-01-01", "years": [{"year": 2022, "rating": "hoan_thanh_tot"}]},
        {"id": "b", "unit_id": "u", "years": [{"year": 2022, "rating": "hoan_thanh"}]}]})
    assert pack.evaluate(facts, on).entity("u").outcome("tap_the_lao_dong_tien_tien").value == "fail"
    full = P.complete(pack, facts, on, pick=25)
    b = next(p for p in full.schools[0].staff if p.id == "b")
    assert b.recruited_on == dt.date(2022, 2, 1)  # the pick's 2025-02-01 brought back to the 2022 record
    assert pack.evaluate(full, on).entity("u").outcome("tap_the_lao_dong_tien_tien").value == "fail"
    for pick in range(52):  # every year and month the filler picks
        P.assert_holds(P.unknown_completion(pack, facts, on, pick) + P.unknown_supply(pack, facts, on, pick))


# -- the removals drop whole lists too (issue 12, D.1) ------------------------------------------------------
# bk: thi_dua on 31/12/2025 (2024 version of Bằng khen Thủ tướng, Luật 06/2022 Điều 73.1.b): rated >= HTT
# 2021..2025 (streak 5 >= 5), CSTĐ cơ sở recorded 2021, 2022, 2023 (3 >= 3 in the window 2021..2025), Bằng khen
# cấp bộ 2021, every other year's rewards known none -> pass. Removing the 2021 rewards list: any(history, ...)
# = unknown -> unknown; removing the years list: history unknown -> unknown. Never fail.
# every record states no discipline and no review pending (omitted, both would be unknown)
_BK = {"kind": "staff", "id": "bk", "recruited_on": "2012-09-01", "initiatives": [], "research": [], "years": [
    {"discipline": "khong", "discipline_pending": False, "year": 2021, "rating": "hoan_thanh_xuat_sac", "titles": ["chien_si_thi_dua_co_so"], "rewards": ["bang_khen_cap_bo"]},
    {"discipline": "khong", "discipline_pending": False, "year": 2022, "rating": "hoan_thanh_xuat_sac", "titles": ["chien_si_thi_dua_co_so"], "rewards": []},
    {"discipline": "khong", "discipline_pending": False, "year": 2023, "rating": "hoan_thanh_tot", "titles": ["chien_si_thi_dua_co_so"], "rewards": []},
    {"discipline": "khong", "discipline_pending": False, "year": 2024, "rating": "hoan_thanh_xuat_sac", "rewards": []},
    {"discipline": "khong", "discipline_pending": False, "year": 2025, "rating": "hoan_thanh_xuat_sac", "rewards": []}]}


def test_removals_drop_whole_lists_and_a_years_rewards():
    pack = pack_at(ROOT / "rules" / "thi_dua")
    facts = load_facts_from(_BK)
    removed = [what for what, _ in P.removals(pack, facts)]
    for want in ("staff bk: years list", "staff bk: initiatives list", "staff bk: research list",
                 "staff bk: 2021.rewards list", "staff bk: 2021.titles list"):
        assert want in removed, want
    on = dt.date(2025, 12, 31)
    assert pack.evaluate(facts, on).entity("bk").outcome("bang_khen_thu_tuong").value == "pass"
    build = dict(P.removals(pack, facts))
    for what in ("staff bk: 2021.rewards list", "staff bk: years list"):
        got = pack.evaluate(build[what](), on).entity("bk").outcome("bang_khen_thu_tuong").value
        assert got == "unknown", what
    P.assert_holds(P.removal_round_trip(pack, facts, on))


def test_a_filter_on_known_rewards_is_caught_by_the_list_removals(tmp_path):
    # The formula before issue 12 (2.2): unknown years dropped, so removing bk's 2021 rewards list turns pass into
    # fail; known() as filter() condition is no exemption. The shipped Kleene form holds (test above).
    dst = tmp_path / "thi_dua"
    shutil.copytree(ROOT / "rules" / "thi_dua", dst, ignore=shutil.ignore_patterns("tests"))
    text = (dst / "pack.yaml").read_text(encoding="utf-8")
    old = "formula: any(filter(history, known(rewards)), 'bang_khen_cap_bo' in rewards)"
    (dst / "pack.yaml").write_text(text.replace("formula: any(history, 'bang_khen_cap_bo' in rewards)", old),
                                   encoding="utf-8")
    pack = load_pack(dst)
    found = P.removal_round_trip(pack, load_facts_from(_BK), dt.date(2025, 12, 31))
    assert any(v.rule == "thi_dua.bang_khen_thu_tuong" and "2021.rewards list" in v.message
               and "pass into fail" in v.message for v in found), found


def test_the_years_list_of_a_transferred_person_is_not_removed():
    # A year record naming another unit than the current one is a transfer: unit_id is a link the removals
    # never drop, so dropping the whole list would move the person to the current unit (a 2/3 unit share
    # becoming 1/2, a random hypothesis run found), not make a fact unknown. Its other facts are still removed.
    moved = {**_BK, "id": "moved", "unit_id": "u1",
             "years": [{**_BK["years"][0], "unit_id": "u0"}, *_BK["years"][1:]]}
    stayed = {**_BK, "id": "stayed", "unit_id": "u1",
              "years": [{**_BK["years"][0], "unit_id": "u1"}, *_BK["years"][1:]]}
    pack = pack_at(ROOT / "rules" / "thi_dua")
    removed = [what for what, _ in P.removals(pack, load_facts_from(moved))]
    assert "staff moved: years list" not in removed
    assert {"staff moved: initiatives list", "staff moved: 2021.rewards list", "staff moved: 2022.rating"} <= set(removed)
    assert "staff stayed: years list" in [what for what, _ in P.removals(pack, load_facts_from(stayed))]
