"""Loading packs: load errors name file, rule and column; cycles are rejected; packs coexist."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from chuan_engine import CycleError, ExpressionSyntaxError, ExpressionTypeError, Outcome, RuleError, load_pack
from chuan_engine.pack.plan import dependency_order

HEADER = 'pack: {id: t, version: "1", title_vi: Thử, title_en: Test}\n'


def rule(rid: str, condition: str, subject: str = "staff") -> str:
    return textwrap.dedent(f"""\
      - id: {rid}
        title_vi: "{rid}"
        title_en: "{rid}"
        subject: {subject}
        citation: {{document: "Luật 06/2022/QH15", article: "Điều 24"}}
        effective: {{from: 2024-01-01}}
        provenance: verified
        kind: condition
        condition: "{condition}"
    """)


def write_pack(tmp_path: Path, body: str, name: str = "p") -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "pack.yaml").write_text(HEADER + body, encoding="utf-8")
    return d


@pytest.mark.parametrize(
    "condition, error, column, words",
    [
        ("ratingg >= 'hoan_thanh_tot'", ExpressionTypeError, 0, "unknown name 'ratingg'"),
        ("rating >= 'xuat_sac_lam'", ExpressionTypeError, 10, "not a value of enum Rating"),
        ("rating >= 3", ExpressionTypeError, 0, "cannot compare enum Rating with num"),
        ("is_lecturer + 1 > 0", ExpressionTypeError, 0, "must be num"),
        ("months_since(recruited_on) >= $nope", ExpressionTypeError, 30, "unknown parameter '$nope'"),
        ("@nothing", ExpressionTypeError, 0, "unknown rule or concept"),
        ("count(rating) > 1", ExpressionTypeError, 6, "needs a list of records"),
        ("rating >= ", ExpressionSyntaxError, 10, "ends too early"),
    ],
)
def test_expression_errors_name_file_rule_and_column(tmp_path, condition, error, column, words):
    d = write_pack(tmp_path, "rules:\n" + rule("t.r", condition))
    with pytest.raises(error) as exc:
        load_pack(d)
    e = exc.value
    assert e.rule == "t.r" and e.file == str(d / "pack.yaml") and e.position == column
    assert words in e.message
    assert f"rule 't.r' (column {column + 1})" in e.describe()


def test_enum_literals_accept_vietnamese_spellings(tmp_path):
    d = write_pack(tmp_path, "rules:\n" + rule("t.r", "rating >= 'Hoàn thành tốt nhiệm vụ'"))
    assert load_pack(d).rule("t.r").kind == "condition"


def test_missing_citation_is_a_load_error(tmp_path):
    lines = rule("t.r", "true").splitlines(keepends=True)
    body = "rules:\n" + "".join(line for line in lines if "citation" not in line)
    d = write_pack(tmp_path, body)
    with pytest.raises(RuleError, match=r"citation: thiếu trường bắt buộc") as exc:
        load_pack(d)
    assert exc.value.rule == "t.r"
    assert "rules[0].citation: required field missing" in exc.value.describe("en")
    assert "required" not in exc.value.describe("vi")


def test_rule_cycle_is_rejected(tmp_path):
    d = write_pack(tmp_path, "rules:\n" + rule("t.a", "@t.b") + rule("t.b", "@t.c") + rule("t.c", "@t.a"))
    with pytest.raises(CycleError, match="t.a -> t.b -> t.c -> t.a"):
        load_pack(d)


def test_variable_cycle_is_rejected(tmp_path):
    body = textwrap.dedent("""\
    variables:
      x: {subject: staff, formula: "y + 1", label_vi: x, label_en: x}
      y: {subject: staff, formula: "x + 1", label_vi: y, label_en: y}
    rules:
    """) + rule("t.r", "x > 0")
    with pytest.raises(CycleError, match="cycle"):
        load_pack(write_pack(tmp_path, body))


def test_dependency_order_puts_referenced_rules_first(tmp_path):
    d = write_pack(tmp_path, "rules:\n" + rule("t.top", "@t.mid and @t.base") + rule("t.mid", "@t.base")
                   + rule("t.base", "rating >= 'hoan_thanh_tot'"))
    order = [r.id for r in dependency_order(load_pack(d))]
    assert order.index("t.base") < order.index("t.mid") < order.index("t.top")


def test_overlapping_versions_are_rejected(tmp_path):
    d = write_pack(tmp_path, "rules:\n" + rule("t.r", "true") + rule("t.r", "false"))
    with pytest.raises(RuleError, match="overlap"):
        load_pack(d)


def test_bad_yaml_names_the_line(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "pack.yaml").write_text(HEADER + "rules: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"invalid YAML at line \d+"):
        load_pack(d)


def test_duplicate_yaml_keys_are_rejected(tmp_path):
    d = tmp_path / "dup"
    d.mkdir()
    (d / "pack.yaml").write_text(HEADER + "parameters: {}\nparameters: {}\n", encoding="utf-8")
    with pytest.raises(RuleError, match="duplicate key 'parameters'"):
        load_pack(d)


def test_two_versions_of_a_pack_side_by_side(tmp_path, root, demo_facts):
    """A copy of the demo pack with a stricter lecturer-share threshold coexists with the original."""
    copy = tmp_path / "demo_v2"
    shutil.copytree(root / "rules" / "demo", copy)
    text = (copy / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "1.0.0"', 'version: "2.0.0"').replace("value: 0.75,", "value: 0.85,")
    (copy / "pack.yaml").write_text(text, encoding="utf-8")
    v1, v2 = load_pack(root / "rules" / "demo"), load_pack(copy)
    on = dt.date(2025, 12, 31)
    r1, r2 = v1.evaluate(demo_facts, on), v2.evaluate(demo_facts, on)
    # 10/12 = 0.833: passes 0.75 in v1, fails 0.85 in v2; v1 is unaffected by loading v2.
    assert r1.entity("demo_a").outcome("demo.ty_le_giang_vien") is Outcome.passed
    assert r2.entity("demo_a").outcome("demo.ty_le_giang_vien") is Outcome.failed
    assert v1.evaluate(demo_facts, on).entity("demo_a").outcome("demo.ty_le_giang_vien") is Outcome.passed
    assert (v1.version, v2.version) == ("1.0.0", "2.0.0")


def test_two_different_packs_in_threads(root, demo_facts, tmp_path):
    """Evaluation is thread-safe: the same results from 8 concurrent evaluations."""
    from concurrent.futures import ThreadPoolExecutor

    pack = load_pack(root / "rules" / "demo")
    on = dt.date(2025, 12, 31)
    baseline = pack.evaluate(demo_facts, on).to_json()
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: pack.evaluate(demo_facts, on).to_json(), range(8)))
    assert all(o == baseline for o in outs)


def test_a_bundled_pack_loads_by_name_from_any_folder(tmp_path, monkeypatch):
    """load_pack finds a pack by name as `chuan evaluate --pack` does (issue 15), not only by path."""
    from chuan_engine import PackNotFoundError

    monkeypatch.chdir(tmp_path)  # no rules/ folder here: the name must be found on the pack path
    pack = load_pack("qd11_2021")
    # Quy định 11-QĐ/TW has 55 level-1 indicators: one rule each
    assert pack.id == "qd11_2021" and len(pack.rule_ids) == 55
    with pytest.raises(PackNotFoundError, match="qd11_202'"):
        load_pack("qd11_202")


# -- issue 12 part 3: "the loader follows a symlink to a YAML file outside the pack" --------------------

_DEMO = Path(__file__).resolve().parents[2] / "rules" / "demo"


@pytest.mark.parametrize("name", ["zz_rules.yaml", "_quotas.yaml"])
def test_a_link_to_a_yaml_file_outside_the_pack_is_refused(capsys, tmp_path, name):
    from chuan_engine.cli import main

    pack = tmp_path / "p"
    shutil.copytree(_DEMO, pack)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("rules: []\n", encoding="utf-8")  # harmless content: refused for where it is, not what
    (pack / name).symlink_to(outside)
    with pytest.raises(RuleError) as err:
        load_pack(pack)
    assert err.value.file == str(pack / name) and "outside the pack folder" in err.value.message
    code = main(["evaluate", str(_DEMO.parents[1] / "fixtures" / "demo"), "--pack", str(pack), "--date", "2025-12-31"])
    out, err_text = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err_text
    assert f"{pack / name}: tệp là liên kết tới một tệp ngoài thư mục bộ quy tắc" in err_text


def test_links_inside_the_pack_and_a_linked_pack_folder_still_load(tmp_path):
    # A link to a file within the pack stays within what is reviewed; so does a pack reached through a link.
    pack = tmp_path / "p"
    shutil.copytree(_DEMO, pack)
    (pack / "school.yaml").rename(pack / "school.real.yaml.txt")
    (pack / "school.yaml").symlink_to(pack / "school.real.yaml.txt")
    (tmp_path / "link").symlink_to(pack)
    assert {r.id for r in load_pack(tmp_path / "link").rules} == {r.id for r in load_pack(_DEMO).rules}
