"""``evaluate_batch``: tidy frames (or files) in, tidy result and summary frames out, chunk by chunk."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import FactsError, Text
from ..facts.models import Cluster
from ..facts.sheets import MissingDependencyError
from ..i18n import t as label
from ..lang import ast
from ..lang.ops import EPS
from ..pack.plan import Plan, dependency_order
from ..pack.provenance import Provenance
from ..report.verdict import eligibility_verdict, level_status, level_verdict
from .cols import else_none, not_none
from .extras import batch_extras, input_facts
from .gaps import GAP_COLUMNS, gap_cells, no_gaps
from .io import read_inputs, read_table
from .layout import FRAMES, SPECS, Frame, input_variables, prepare
from .rows import tidy
from .rules import FAIL, NA, PASS, PROVENANCES, UNK, RuleCols, RuleRunner
from .tables import Chunk

if TYPE_CHECKING:
    from ..report.results import Report

RESULT_COLUMNS = ["entity", "kind", "name", "school", "on", "rule", "concept", "title", "group", "outcome",
                  "value", "threshold", "margin", "exceeded", "provenance", "citation", "effective_from",
                  "effective_to", "error"]
SUMMARY_COLUMNS = ["entity", "kind", "name", "school", "on", "verdict", "verdict_text", "level_reached", "pass",
                   "fail", "unknown", "not_applicable", "exceeded", "provisional", "error"]


class FallbackWarning(UserWarning):
    """A rule was evaluated by the explaining evaluator because the column compiler cannot take it."""


@dataclass
class BatchResult:
    """Results (one row per entity × rule) and summary (one row per entity) of a batch run.

    The results are kept columnar (``columns``: per kind, one column per rule, outcomes as int8 codes);
    ``results``, the tidy long frame, is built from them the first time it is read, and ``outcomes(kind)``
    gives one categorical column per rule without building it."""

    pack: Plan
    columns: ResultColumns
    summary: pd.DataFrame
    fallback: dict[str, str] = field(default_factory=dict)  # rule id -> why it was not vectorised
    chunks: int = 0
    notes: list[str] = field(default_factory=list)  # rows set aside: total rows ("Tổng cộng")
    lang: str = "vi"  # the language of the frames' titles and verdict texts
    # The ledger, quota and ranking sections, and the units and ratings the filed lists show, are built from
    # the run the first time they are read: the sections rebuild per-entity reports, ten times the cost of the
    # verdicts themselves (benchmarks/bench_batch.py).
    make_extras: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    make_filing: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    _extras: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    _filing: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    _results: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def results(self) -> pd.DataFrame:
        """One row per entity × rule (RESULT_COLUMNS, the level and gap columns), built on first read."""
        if self._results is None:
            self._results = self.columns.long()
        return self._results

    def outcomes(self, kind: str) -> pd.DataFrame:
        """The entities of one kind (entity, school, on) and one categorical outcome column per rule id."""
        return self.columns.wide(kind)

    @property
    def extras(self) -> dict[str, Any]:
        """Ledger, quotas, ranking (as ``Report.extras``); empty when the pack has no side files."""
        if self._extras is None:
            self._extras = self.make_extras() if self.make_extras is not None else {}
        return self._extras

    @property
    def filing(self) -> dict[str, Any]:
        """Units and ratings for the filed lists (``to_excel``)."""
        if self._filing is None:
            self._filing = self.make_filing() if self.make_filing is not None else {}
        return self._filing

    def to_parquet(self, folder: str | Path) -> None:
        """``results.parquet`` and ``summary.parquet`` in ``folder``, one type per column (``batch.parquet``)."""
        try:
            from .parquet import write_parquet
        except ModuleNotFoundError:
            raise MissingDependencyError(Text("cần thư viện pyarrow để ghi Parquet; cài: pip install 'chuan-engine[batch]'",
                                              "writing Parquet needs pyarrow; install: pip install 'chuan-engine[batch]'")
                                         ) from None
        write_parquet(self.results, Path(folder) / "results.parquet")
        write_parquet(self.summary, Path(folder) / "summary.parquet")

    def to_excel(self, path: str | Path, lang: str | None = None) -> None:
        """The filed workbook of the explaining path (``report.workbook``), from this run's frames."""
        from ..report.workbook import write_workbook  # openpyxl and the sentences load only when writing

        write_workbook(self.to_report(lang), path)

    def to_report(self, lang: str | None = None) -> Report:
        """The run's frames as a Report on its latest date (no explanation trees), for the report writers."""
        from ..report.batch_book import report_of_frames

        return report_of_frames(self.pack, self.results, self.summary, self.extras, lang or self.lang, self.filing)


def _level_columns(pack: Plan, kind: str) -> list[str]:
    if pack.graded(kind):
        return [f"level_{lv}" for lv in pack.level_ids]
    return []


def result_columns(pack: Plan) -> list[str]:
    levels = [f"level_{lv}" for lv in pack.level_ids] if pack.header.levels else []
    return RESULT_COLUMNS + levels + GAP_COLUMNS


def empty_results(pack: Plan) -> pd.DataFrame:
    cols = result_columns(pack)
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    df["margin"] = df["margin"].astype(float)
    df["exceeded"] = df["exceeded"].astype(bool)
    return df


def empty_summary() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
    for c in ("pass", "fail", "unknown", "not_applicable", "exceeded", "provisional"):
        df[c] = df[c].astype(np.int64)
    return df


# ---------------------------------------------------------------------------------------------
# inputs


def _as_frames(frames_or_files: Any, notes: list[str]) -> dict[str, pd.DataFrame]:
    """The input frames, blank and total rows set aside (a note per total row in ``notes``)."""
    if isinstance(frames_or_files, str | Path):
        frames_or_files = read_inputs(frames_or_files)
    if not isinstance(frames_or_files, Mapping):
        raise FactsError(Text("evaluate_batch cần một dict {tên khung: DataFrame hoặc tệp}",
                              "evaluate_batch expects a mapping {frame name: DataFrame or file}"))
    out: dict[str, pd.DataFrame] = {}
    for name, value in frames_or_files.items():
        if name not in FRAMES:
            raise FactsError(Text(f"khung không rõ '{name}' (các khung: {', '.join(FRAMES)})",
                                  f"unknown frame '{name}' (the frames: {', '.join(FRAMES)})"))
        if value is None:
            continue
        if isinstance(value, str | Path):
            value = read_table(value)
        if not isinstance(value, pd.DataFrame):
            raise FactsError(Text(f"khung '{name}' không phải DataFrame hay đường dẫn tệp",
                                  f"frame '{name}' is not a DataFrame or a file path"))
        out[name] = value
    for name, df in out.items():
        out[name], found = tidy(name, df, SPECS[name][2])
        notes.extend(found)
    for name, df in out.items():
        if "school_id" not in df.columns and name in ("staff_years", "initiatives", "research") and "staff" in out:
            st = out["staff"]
            if not st["staff_id"].is_unique:
                raise FactsError(Text(f"khung '{name}' thiếu cột 'school_id' và mã cán bộ (staff_id) không duy nhất",
                                      f"frame '{name}' lacks column 'school_id' and staff ids are not unique"))
            out[name] = df.merge(st[["staff_id", "school_id"]], on="staff_id", how="left")
            out[name].attrs = dict(df.attrs)  # merge drops attrs: keep the file the rows came from
    return out


def _input_types(pack: Plan) -> dict[str, dict[str, Any]]:
    return dict(input_variables(pack))


def _chunks(frames: dict[str, Frame], chunk_rows: int) -> tuple[int, Iterator[dict[str, Frame]]]:
    """Split validated frames by school so that every link stays inside a chunk; about ``chunk_rows`` rows per
    chunk (250 000 to 500 000 measure fastest: larger chunks fall out of the caches).

    Returns the number of chunks and a generator making one chunk's frames at a time (NumPy takes of the
    validated columns: nothing is validated twice).
    """
    if not frames:
        return 1, iter([dict(frames)])
    uniq = pd.unique(np.concatenate([f.keys["school_id"].uniques for f in frames.values()]))
    index = pd.Index(np.asarray(uniq, dtype=object), dtype=object)
    sizes = np.zeros(len(uniq), dtype=np.int64)
    codes: dict[str, np.ndarray] = {}
    for name, f in frames.items():
        codes[name] = f.keys["school_id"].positions(index)
        sizes += np.bincount(codes[name][codes[name] >= 0], minlength=len(uniq))
    chunk_of_school = (np.cumsum(sizes) - 1) // max(chunk_rows, 1)
    n_chunks = int(chunk_of_school.max()) + 1 if len(sizes) else 1
    if n_chunks == 1:
        return 1, iter([dict(frames)])
    splits = {}
    for name in frames:
        ch = chunk_of_school[codes[name]]
        order = np.argsort(ch, kind="stable")
        splits[name] = (order, np.searchsorted(ch[order], np.arange(n_chunks + 1)))

    def parts() -> Iterator[dict[str, Frame]]:
        for c in range(n_chunks):
            yield {name: f.take(splits[name][0][splits[name][1][c]:splits[name][1][c + 1]])
                   for name, f in frames.items()}

    return n_chunks, parts()


# ---------------------------------------------------------------------------------------------
# evaluation


def evaluate_batch(
    pack: Plan,
    frames_or_files: Any,
    on: dt.date,
    *,
    lang: str = "vi",
    chunk_rows: int = 500_000,
    progress: bool = False,
    every_year: bool = False,
    extras: bool = True,
    clusters: Iterable[Cluster] = (),
) -> BatchResult:
    """Evaluate every entity of tidy frames (see batch.layout) on ``on`` (or each school's ``on`` column).

    With ``every_year``, each entity is also reported for every earlier year of its
    school's window (from the school's first year record), evaluated on 31/12 of
    that year: one row per staff-year, as ``pack.evaluate(facts, on=31/12/year)``.
    Rows are processed ``chunk_rows`` input rows at a time (schools never split);
    ``progress`` shows a tqdm bar over chunks.

    Verdicts equal those of ``pack.evaluate`` entity by entity. Each result row also carries
    the gap at the rule's first failing level (``gap_level``, ``gap_amount``, ``gap_unit``,
    ``gap_mode``, ``gap_text`` in ``lang``; see batch.gaps), equal to ``RuleResult.gap``. A rule the column
    compiler cannot take is evaluated by the explaining evaluator, listed in
    ``BatchResult.fallback`` and announced by a ``FallbackWarning``.

    With ``extras`` (the default), when the pack has side files, ``BatchResult.extras`` holds the
    ledger, quota and ranking sections of ``report.extras``, built from the batch verdicts on ``on``
    (batch.extras) the first time it is read; the frames hold no clusters: pass them as ``clusters``
    for the ranking.
    """
    notes: list[str] = []
    frames = _as_frames(frames_or_files, notes)
    types = _input_types(pack)
    parts: list[_Part] = []
    summaries: list[pd.DataFrame] = []
    fallback: dict[str, str] = {}
    prepared = {name: prepare(name, df, types.get(SPECS[name][0], {})) for name, df in frames.items()}
    n_parts, pieces = _chunks(prepared, chunk_rows)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_parts, desc=f"chuan {pack.id}", unit="chunk")
    for piece in pieces:
        got, summ, fb = _evaluate_prepared(pack, piece, on, lang, every_year)
        parts.extend(got)
        summaries.append(summ)
        fallback.update(fb)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    if fallback:
        warnings.warn("quy tắc đánh giá từng đối tượng (không vector hóa được) / rules evaluated one entity at a "
                      f"time: {fallback}", FallbackWarning, stacklevel=2)
    columns = ResultColumns(pack, parts)
    summ = pd.concat(summaries, ignore_index=True) if summaries else empty_summary()
    make = None
    if extras and pack.sidecars:
        clusters = list(clusters)

        def make() -> dict[str, Any]:
            return batch_extras(pack, out.results, input_facts(frames, on, types, clusters), on, lang)

    def filing() -> dict[str, Any]:
        from ..report.batch_book import filing_facts

        return filing_facts(frames, on)
    out = BatchResult(pack, columns, summ, fallback, n_parts, notes, lang, make, filing)
    return out


def evaluate_chunk(pack: Plan, raw: dict[str, pd.DataFrame], on: dt.date, types: dict[str, Any] | None = None,
                   lang: str = "vi", every_year: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """One chunk of schools: validate, build row tables, evaluate rules in dependency order, collect outputs
    (the results as the long frame)."""
    parts, summary, fallback = chunk_columns(pack, raw, on, types, lang, every_year)
    return ResultColumns(pack, parts).long(), summary, fallback


def chunk_columns(pack: Plan, raw: dict[str, pd.DataFrame], on: dt.date, types: dict[str, Any] | None = None,
                  lang: str = "vi", every_year: bool = False) -> tuple[list[_Part], pd.DataFrame, dict[str, str]]:
    """``evaluate_chunk`` with the results kept columnar: one ``_Part`` per kind with rules."""
    types = types if types is not None else _input_types(pack)
    frames = {name: prepare(name, df, types.get(SPECS[name][0], {})) for name, df in raw.items()}
    return _evaluate_prepared(pack, frames, on, lang, every_year)


def _evaluate_prepared(pack: Plan, frames: dict[str, Frame], on: dt.date, lang: str,
                       every_year: bool) -> tuple[list[_Part], pd.DataFrame, dict[str, str]]:
    chunk = Chunk(frames, on, history=every_year or uses_history(pack), every_year=every_year)
    runner = RuleRunner(pack, chunk)
    for rule in dependency_order(pack):
        if rule.subject in chunk.tables:
            runner.rule_cols(rule, chunk.tables[rule.subject])
        elif rule.subject == "cluster":
            runner.fallback[rule.id] = "cluster rules are not evaluated in batch"
    res: list[_Part] = []
    summ: list[pd.DataFrame] = []
    for kind in ("school", "unit", "staff"):
        rules = [pack.versions_of(rid) for rid in pack.rule_ids if pack.rule(rid).subject == kind]
        if not rules:
            summ.append(_unreported_errors(chunk, kind, lang))
            continue
        r, s = _outputs(pack, runner, chunk, kind, rules, lang, every_year)
        res.append(r)
        summ.append(s)
    fallback = dict(runner.fallback)
    runner.close()  # tables, links and caches refer to each other: free them now, not at the next GC
    summary = pd.concat(summ, ignore_index=True) if summ else empty_summary()
    return res, summary, fallback


def _unreported_errors(chunk: Chunk, kind: str, lang: str) -> pd.DataFrame:
    """Summary rows for the bad entities of a kind the pack has no rule for (a qd11 lecturer with an
    impossible degree): the school reads the cell as unknown, and the bad cell is listed, not lost."""
    ent = chunk.ent.get(kind)
    if ent is None or not len(ent.ids):
        return empty_summary()
    bad = np.flatnonzero(not_none(ent.bad))
    n = len(bad)
    zeros = np.zeros(n, dtype=np.int64)
    summary = pd.DataFrame({
        "entity": _obj(ent.ids[bad]), "kind": _obj(np.full(n, kind, dtype=object)),
        "name": _obj(np.full(n, None, dtype=object)), "school": _obj(chunk.ids["school"][ent.school[bad]]),
        "on": _obj(np.full(n, None, dtype=object)), "verdict": _obj(np.full(n, "error", dtype=object)),
        "verdict_text": _obj(np.full(n, label("error", lang), dtype=object)),
        "level_reached": _obj(np.full(n, None, dtype=object)),
        "pass": zeros, "fail": zeros, "unknown": zeros, "not_applicable": zeros, "exceeded": zeros,
        "provisional": zeros, "error": _obj(ent.bad[bad]),
    })
    return summary.reindex(columns=SUMMARY_COLUMNS)


def _nones(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    """Empty cells as None (not NaN) in text columns, as in Report.to_frame."""
    for c in cols:
        col = df[c].astype(object)
        df[c] = col.where(col.notna(), None)
    return df


def uses_history(pack: Plan) -> bool:
    """Whether any expression of the pack reads ``history`` (else only evaluation-year rows are built)."""
    trees = [e.tree for r in pack.rules for _, e in r.expressions()]
    trees += [v.formula.tree for v in pack.variables.values() if v.formula is not None]
    for tree in trees:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Name | ast.Attr)) and node.name == "history":
                return True
    return False


def _shown_version(pack: Plan, versions: list[Any], udates: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """Per output row, the index in ``versions`` of the version a report shows on the row's date."""
    if len(versions) == 1:
        return np.zeros(len(inv), dtype=np.int64)
    idx = np.array([versions.index(pack.version_shown(versions[0].id, d.astype(dt.date))) for d in udates],
                   dtype=np.int64)
    return idx[inv] if len(inv) else np.zeros(0, dtype=np.int64)


def _pick(choice: np.ndarray, arrays: list[np.ndarray]) -> np.ndarray:
    """Row i of the result is row i of ``arrays[choice[i]]``."""
    if len(arrays) == 1:
        return arrays[0]
    out = arrays[0].copy()
    for i, a in enumerate(arrays[1:], start=1):
        m = choice == i
        out[m] = a[m]
    return out


@dataclass
class _Merged:
    """One rule's columns over the output rows, each row from the version shown on its date."""

    outcome: np.ndarray
    margin: np.ndarray
    levels: dict[str, np.ndarray]
    err: np.ndarray | None
    value: np.ndarray
    threshold: np.ndarray
    provenance: np.ndarray
    version: np.ndarray  # index into the rule's versions
    n: int
    pending: list[tuple[Any, RuleCols, np.ndarray, np.ndarray, np.ndarray]]  # (version, columns, mask, rows, values)
    _gap: dict[str, np.ndarray] | None = None
    _gap_done: bool = False

    def gap(self, pack: Plan, lang: str) -> dict[str, np.ndarray] | None:
        """batch.gaps.GAP_COLUMNS over the output rows, worked out on first read; None when no row has a gap."""
        if not self._gap_done:
            for version, rc, m, rows, values in self.pending:
                found = gap_cells(pack, version, rc, rows, values, lang)
                if found is not None:
                    self._gap = no_gaps(self.n) if self._gap is None else self._gap
                    for c, cells in found.items():
                        self._gap[c][m] = cells
            self._gap_done = True
        return self._gap


def _merge(pack: Plan, runner: RuleRunner, t: Any, versions: list[Any], rows: np.ndarray, udates: np.ndarray,
           inv: np.ndarray, lang: str) -> _Merged:
    choice = _shown_version(pack, versions, udates, inv)
    cols = [runner.rule_cols(v, t) for v in versions]
    value = np.full(len(rows), None, dtype=object)
    threshold = np.full(len(rows), None, dtype=object)
    pending = []  # the gaps are worked out when the long frame is built (a Python step per failing cell)
    for i, rc in enumerate(cols):
        m = choice == i
        if m.any():
            value[m] = rc.value_at(rows[m])
            threshold[m] = rc.threshold_at(rows[m])
            if versions[i].kind == "indicator" and rc.parts is not None:
                pending.append((versions[i], rc, m, rows[m], value[m]))
    errs = [rc.err[rows] if rc.err is not None else np.full(len(rows), None, dtype=object) for rc in cols]
    err = _pick(choice, errs) if any(rc.err is not None for rc in cols) else None
    return _Merged(
        _pick(choice, [rc.outcome[rows] for rc in cols]), _pick(choice, [rc.margin[rows] for rc in cols]),
        {lv: _pick(choice, [rc.levels[lv][rows] for rc in cols]) for lv in cols[0].levels}, err, value, threshold,
        _pick(choice, [rc.provenance[rows] for rc in cols]), choice, len(rows), pending)


@dataclass
class _Who:
    """The output rows of one kind: who each is (entity, name, school, date) and the entity's own error."""

    ids: np.ndarray
    names: np.ndarray
    school_ids: np.ndarray
    on: np.ndarray
    error: np.ndarray
    udates: np.ndarray  # the distinct dates, and each row's position among them
    inv: np.ndarray


def _who(chunk: Chunk, t: Any, kind: str, rows: np.ndarray) -> _Who:
    n = len(rows)
    ent = t.ent[rows]
    name_col = t.field("name")
    names = else_none(name_col.k[rows], name_col.v[rows]) if name_col is not None and n else \
        np.full(n, None, dtype=object)
    school_ids = np.full(n, None, dtype=object)
    if kind != "school":
        assert t.school is not None  # unit and staff tables carry each row's school
        school_ids = chunk.ids["school"][t.school[rows]]
    udates, inv = np.unique(t.date[rows], return_inverse=True)
    on = np.array([str(d) for d in udates], dtype=object)[inv] if n else np.zeros(0, dtype=object)
    error = chunk.ent[kind].bad[ent].copy() if n else np.zeros(0, dtype=object)
    return _Who(chunk.ids[kind][ent], names, school_ids, on, error, udates, inv)


def _grid(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    """Entities × rules from one column per rule (an empty grid of ``dtype`` when there is no row)."""
    return np.stack(arrays, axis=1) if len(arrays[0]) else np.zeros((0, len(arrays)), dtype=dtype)


@dataclass
class _Part:
    """The results of one kind in one chunk, columnar: per rule (``cols``), and the entities × rules grids."""

    kind: str
    rules: list[list[Any]]
    cols: list[_Merged]
    who: _Who
    bad: np.ndarray
    OC: np.ndarray
    P: np.ndarray
    exceeded: np.ndarray
    levels: dict[str, np.ndarray]
    lang: str


@dataclass
class ResultColumns:
    """A run's results kept columnar (one ``_Part`` per kind and chunk); the long frame made on demand."""

    pack: Plan
    parts: list[_Part]

    def long(self) -> pd.DataFrame:
        """The tidy frame: one row per entity × rule, entity-major, parts in run order."""
        frames = [_results_frame(self.pack, p.kind, p.rules, p.cols, p.who, p.bad, p.OC, p.P, p.exceeded, p.levels,
                                 p.lang) for p in self.parts]
        res = pd.concat(frames, ignore_index=True) if frames else empty_results(self.pack)
        return res.reindex(columns=result_columns(self.pack))

    def wide(self, kind: str) -> pd.DataFrame:
        """One row per entity of ``kind`` (entity, school, on) and a categorical outcome column per rule."""
        parts = [p for p in self.parts if p.kind == kind]
        ids = [r[0].id for r in parts[0].rules] if parts else \
            [rid for rid in self.pack.rule_ids if self.pack.rule(rid).subject == kind]
        data: dict[str, Any] = {
            "entity": _obj(_cat([p.who.ids for p in parts], object)),
            "school": _obj(_cat([p.who.school_ids for p in parts], object)),
            "on": _obj(_cat([p.who.on for p in parts], object)),
        }
        for j, rid in enumerate(ids):
            codes = _cat([np.where(p.bad, np.int8(4), p.OC[:, j].astype(np.int8)) for p in parts], np.int8)
            data[rid] = pd.Categorical.from_codes(codes, OUTCOME_CATEGORIES)
        return pd.DataFrame(data)


def _cat(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _outputs(pack: Plan, runner: RuleRunner, chunk: Chunk, kind: str, rules: list[list[Any]],
             lang: str, every_year: bool = False) -> tuple[_Part, pd.DataFrame]:
    """The columnar results and the summary frame of one kind; ``rules`` holds each rule's versions (one
    result per rule)."""
    t = chunk.tables[kind]
    rows = np.arange(t.n) if every_year else chunk.output_rows(kind)
    who = _who(chunk, t, kind, rows)
    cols = [_merge(pack, runner, t, versions, rows, who.udates, who.inv, lang) for versions in rules]
    for rc in cols:
        if rc.err is not None:
            fill = ~not_none(who.error) & not_none(rc.err)
            who.error[fill] = rc.err[fill]
    bad = not_none(who.error)
    OC = _grid([rc.outcome for rc in cols], np.int8)
    P = _grid([rc.provenance for rc in cols], np.int64)
    exceeded = (OC == PASS) & (_grid([rc.margin for rc in cols], float) > EPS)
    levels = {lv: _grid([rc.levels[lv] for rc in cols], np.int8) for lv in pack.level_ids}
    results = _Part(kind, rules, cols, who, bad, OC, P, exceeded, levels, lang)
    # -- summary frame
    verdict, text, reached = _verdicts(pack, kind, OC, levels, lang)
    verdict[bad] = "error"
    text[bad] = label("error", lang)
    reached[bad] = None
    ok = ~bad

    def count(mask: np.ndarray) -> np.ndarray:
        return np.where(ok, mask.sum(axis=1), 0).astype(np.int64)

    n = len(rows)
    summary = pd.DataFrame({
        "entity": _obj(who.ids), "kind": _obj(np.full(n, kind, dtype=object)), "name": _obj(who.names),
        "school": _obj(who.school_ids), "on": _obj(who.on), "verdict": _obj(verdict), "verdict_text": _obj(text),
        "level_reached": _obj(reached),
        "pass": count(OC == PASS), "fail": count(OC == FAIL), "unknown": count(OC == UNK),
        "not_applicable": count(OC == NA), "exceeded": count(exceeded),
        "provisional": count((OC != NA) & (P == PROVENANCES.index(Provenance.provisional.value))),
        "error": _obj(who.error),
    })
    return results, summary.reindex(columns=SUMMARY_COLUMNS)


def _results_frame(pack: Plan, kind: str, rules: list[list[Any]], cols: list[_Merged], who: _Who, bad: np.ndarray,
                   OC: np.ndarray, P: np.ndarray, exceeded: np.ndarray, levels: dict[str, np.ndarray],
                   lang: str) -> pd.DataFrame:
    """The results frame of one kind: entity-major, rules in pack order; cells of entities in error empty."""
    n, R = OC.shape
    # which compiled Rule (version) each cell shows, as a position in ``flat``
    flat = [v for versions in rules for v in versions]
    offsets = np.cumsum([0] + [len(versions) for versions in rules[:-1]])
    cell_version = (_grid([rc.version for rc in cols], np.int64) + offsets[None, :]).ravel()
    badr = np.repeat(bad, R)
    value = _grid([rc.value for rc in cols], object).ravel()
    threshold = _grid([rc.threshold for rc in cols], object).ravel()
    margin = _grid([rc.margin for rc in cols], float).ravel().copy()
    value[badr] = None
    threshold[badr] = None
    margin[badr] = np.nan

    def per_rule(of: Any) -> pd.Categorical:
        # categories over the whole pack: the frames of every kind and chunk share them, so concatenating
        # them stays categorical (different categories would turn millions of cells into strings)
        cats = pd.unique(pd.Series([of(r) for r in pack.rules], dtype=object).dropna())
        pos = {v: i for i, v in enumerate(cats)}
        codes = np.array([pos.get(of(r), -1) if of(r) is not None else -1 for r in flat],
                         dtype=np.int8 if len(cats) < 127 else np.int32)
        return pd.Categorical.from_codes(codes[cell_version], categories=pd.Index(cats, dtype=object))

    # categorical codes: int8 as pandas keeps them (no conversion); 4 is "error"
    out_codes = np.where(badr, np.int8(4), OC.astype(np.int8).ravel())
    data: dict[str, Any] = {
        "entity": _obj(np.repeat(who.ids, R)),
        "kind": pd.Categorical.from_codes(np.full(n * R, KINDS.index(kind), dtype=np.int8), pd.Index(KINDS)),
        "name": _obj(np.repeat(who.names, R)), "school": _obj(np.repeat(who.school_ids, R)),
        "on": _obj(np.repeat(who.on, R)),
        "rule": per_rule(lambda r: r.id), "concept": per_rule(lambda r: r.concept),
        "title": per_rule(lambda r: r.title_vi if lang == "vi" else r.title_en),
        "group": per_rule(lambda r: r.group),
        "outcome": pd.Categorical.from_codes(out_codes, OUTCOME_CATEGORIES),
        "value": _obj(value), "threshold": _obj(threshold), "margin": margin,
        "exceeded": exceeded.ravel() & ~badr,
        "provenance": pd.Categorical.from_codes(P.astype(np.int8).ravel(), categories=pd.Index(PROVENANCES)),
        "citation": per_rule(lambda r: r.citation.short()),
        "effective_from": per_rule(lambda r: r.effective.start.isoformat()),
        "effective_to": per_rule(lambda r: r.effective.end.isoformat() if r.effective.end else None),
        "error": _obj(np.repeat(who.error, R)),
    }
    for lv in pack.level_ids:
        if f"level_{lv}" in _level_columns(pack, kind):
            data[f"level_{lv}"] = pd.Categorical.from_codes(
                np.where(badr, np.int8(4), levels[lv].astype(np.int8).ravel()), OUTCOME_CATEGORIES)
    data.update(_gap_data(pack, lang, cols, n, badr))
    return pd.DataFrame(data, copy=False)  # fresh arrays: no copy, and no consolidation of object columns


def _gap_data(pack: Plan, lang: str, cols: list[_Merged], n: int, bad: np.ndarray) -> dict[str, pd.Series]:
    """The gap columns of the results frame (entity-major), None on rows in error."""
    out = {}
    gaps = [rc.gap(pack, lang) for rc in cols]
    if all(g is None for g in gaps):
        for c in GAP_COLUMNS:
            out[c] = _obj(np.full(n * len(cols), None, dtype=object))
        return out
    none = np.full(n, None, dtype=object)
    for c in GAP_COLUMNS:
        cells = np.stack([none if g is None else g[c] for g in gaps], axis=1).ravel() if n else \
            np.zeros(0, dtype=object)
        cells[bad] = None
        out[c] = _obj(cells)
    return out


KINDS = ["school", "unit", "staff"]
OUTCOME_CATEGORIES = pd.Index(["pass", "fail", "unknown", "not_applicable", "error"], dtype=object)


def _obj(values: np.ndarray) -> pd.Series:
    """An object column as given (no inference into Arrow strings: faster, and None stays None)."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object, copy=False)


def _verdicts(pack: Plan, kind: str, OC: np.ndarray, levels: dict[str, np.ndarray],
              lang: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The verdict of report.summarize, over all entities at once: the report's own verdict functions, called
    once per distinct combination of level statuses."""
    n = OC.shape[0]
    if not pack.graded(kind):
        return _eligibility(OC, lang)
    ids = [lvl.id for lvl in pack.header.levels]
    # per entity and level: does a required rule fail there, is one undetermined (0/1 each)
    flags = np.zeros((n, 2 * len(ids)), dtype=np.int8)
    for i, lv in enumerate(ids):
        flags[:, 2 * i] = (levels[lv] == FAIL).any(axis=1)
        flags[:, 2 * i + 1] = (levels[lv] == UNK).any(axis=1)
    combos, inv = np.unique(flags, axis=0, return_inverse=True)
    found = [level_verdict(pack.header.levels, {lv: level_status(int(c[2 * i]), int(c[2 * i + 1]))
                                                for i, lv in enumerate(ids)}) for c in combos]
    codes = np.array([v.code for v in found], dtype=object)
    texts = np.array([v.text(lang) for v in found], dtype=object)
    reached = np.array([v.reached.id if v.reached else None for v in found], dtype=object)
    inv = np.asarray(inv).reshape(-1)
    return codes[inv], texts[inv], reached[inv]


def _eligibility(OC: np.ndarray, lang: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The verdict of entities not judged against levels: eligible when some rule passes."""
    # 0: none passes, some fails; 1: some passes; 2: none passes or fails, some undetermined (issue 12)
    verdicts = [eligibility_verdict(0, 1, 0), eligibility_verdict(1, 0, 0), eligibility_verdict(0, 0, 1)]
    passed, failed, unknown = (OC == PASS).any(axis=1), (OC == FAIL).any(axis=1), (OC == UNK).any(axis=1)
    elig = np.where(passed, 1, np.where(~failed & unknown, 2, 0)).astype(np.int64)
    codes = np.array([v.code for v in verdicts], dtype=object)
    texts = np.array([v.text(lang) for v in verdicts], dtype=object)
    return codes[elig], texts[elig], np.full(OC.shape[0], None, dtype=object)
