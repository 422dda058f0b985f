"""The tidy column layout of batch inputs, and its vectorised validation.

One DataFrame per entity kind (every frame carries ``school_id``)::

    schools        school_id, name, province, dossier_date, on?, <school inputs>
    school_years   school_id, year, rating, party_rating, discipline_pending, titles, rewards, <inputs>
    units          school_id, unit_id, name, unit_kind, <unit inputs>
    unit_years     school_id, unit_id, year, rating, discipline_pending, titles, rewards, <inputs>
    staff          school_id, staff_id, <Staff fields: gender, unit_id, is_lecturer, degree, ...>, <inputs>
    staff_years    school_id, staff_id, year, <StaffYear fields: unit_id, rating, discipline, ...>, <inputs>
    initiatives    school_id, staff_id, initiative_id, title, level, year, applied, used, used_for, used_in_year
    research       school_id, staff_id (empty = the school's own), research_id, level, year, accepted, applied

Field names and vocabularies are those of the fact models (facts/models.py), so
a new model field is a new column. A column that is neither a field nor a pack
variable of that kind is an error (typos must not pass silently). An empty cell
is *unknown*; a column left out takes the model default, which is unknown for
every fact (``discipline`` and ``discipline_pending`` too: write "Không" /
false for none, issue 12). List columns
(titles, rewards, prizes) hold lists or ``;``-separated text. Inputs: a column
named after a pack variable supplies it (year frame first, then entity frame);
an empty input cell falls back to the variable's formula. An initiative's use
is three-valued as in the models: ``used`` false (or an empty ``used_for``
list) = never used, a ``used_in_year`` = used that year, a blank = not known
(possibly used).

Rosters: a school with no staff rows (in ``staff`` or ``staff_years``) has an
*unknown* staff list, not an empty one (likewise units, and the school's own
research); a school given only as aggregate inputs evaluates as in the
explaining evaluator with ``staff: null``. Initiative or research rows naming a
staff member who is in neither staff frame are ignored. An empty key cell
(school_id, staff_id, …) is a FactsError for the batch: the row names no entity.

A cell that is invalid (a rating not in the vocabulary, a negative count, a
year out of range, text in a number column) makes its entity an *error*
result with the reason; its other entities and rows are evaluated normally,
and the bad cell is read as unknown by the units and schools aggregating it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ..errors import FactsError, Text
from ..facts import models, numerals
from ..facts.cells import to_date
from ..facts.inputs import input_problem
from ..facts.vocab import conferred_code
from ..lang.types import ENTITY_FIELDS, YEAR_FIELDS, Type
from ..pack.plan import Plan, Variable
from .cols import NONE, not_none
from .rows import ROW, where

FRAMES = ("schools", "school_years", "units", "unit_years", "staff", "staff_years", "initiatives", "research")

# frame -> (record kind, model, id column, key columns besides the id)
SPECS: dict[str, tuple[str, type[BaseModel], str, tuple[str, ...]]] = {
    "schools": ("school", models.School, "school_id", ()),
    "school_years": ("school", models.SchoolYear, "school_id", ("year",)),
    "units": ("unit", models.Unit, "unit_id", ("school_id",)),
    "unit_years": ("unit", models.UnitYear, "unit_id", ("school_id", "year")),
    "staff": ("staff", models.Staff, "staff_id", ("school_id",)),
    "staff_years": ("staff", models.StaffYear, "staff_id", ("school_id", "year")),
    "initiatives": ("initiative", models.Initiative, "initiative_id", ("school_id", "staff_id")),
    "research": ("research", models.Research, "research_id", ("school_id", "staff_id")),
}
YEAR_FRAMES = {"school_years", "unit_years", "staff_years"}
ENTITY_FRAME = {"school": "schools", "unit": "units", "staff": "staff"}
YEAR_FRAME = {"school": "school_years", "unit": "unit_years", "staff": "staff_years"}
KEY_COLUMNS = {"school_id", "unit_id", "staff_id", "initiative_id", "research_id"}


def field_types(frame: str) -> dict[str, Type]:
    """The typed fact columns of a frame (without its key columns)."""
    kind, model, _, _ = SPECS[frame]
    if frame in YEAR_FRAMES:
        out = dict(YEAR_FIELDS[kind])
    else:
        out = dict(ENTITY_FIELDS[kind])
        out.pop("id", None)
    if frame == "staff_years":
        out.pop("year", None)
    for key in ("year",) if frame in YEAR_FRAMES else ():
        out.pop(key, None)
    return out


def _bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None, bool]:
    """(ge, le, integer) of a model field, read from its annotation so the layout follows the model."""
    info = model.model_fields.get(name)
    if info is None:
        return None, None, False
    ge = le = None
    metas = list(info.metadata)
    stack = [info.annotation]
    integer = False
    while stack:
        a = stack.pop()
        if a is int:
            integer = True
        for arg in get_args(a):
            if hasattr(arg, "metadata"):
                metas.extend(arg.metadata)
            stack.append(arg)
    for m in metas:
        ge = getattr(m, "ge", ge)
        le = getattr(m, "le", le)
    return ge, le, integer


@dataclass
class Column:
    """A validated column: values, known mask, and the message of each invalid cell."""

    t: Type
    v: np.ndarray
    k: np.ndarray
    bad: dict[int, str]  # row -> message of an invalid cell


@dataclass
class Key:
    """A key column as integer codes into its distinct values (no per-row Python strings)."""

    codes: np.ndarray  # int64, -1 = empty cell
    uniques: np.ndarray  # object

    def __post_init__(self) -> None:
        self.ext = np.append(self.uniques.astype(object), NONE)

    def __getitem__(self, i: Any) -> Any:
        return self.ext[self.codes[i]]

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: np.ndarray) -> Key:
        """The key of some rows, its distinct values those the rows use, in order of first use (as if the rows
        had been factorized on their own)."""
        codes = self.codes[rows]
        used = codes[codes >= 0]
        u, first = np.unique(used, return_index=True)
        keep = u[np.argsort(first, kind="stable")]
        remap = np.full(len(self.uniques) + 1, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        return Key(remap[codes], self.uniques[keep])

    def positions(self, index: pd.Index) -> np.ndarray:
        """Each row's position in ``index`` (-1 when absent or empty)."""
        # pandas takes any array-like target (it makes it an Index); its stubs ask for an Index.
        out: np.ndarray = np.append(index.get_indexer(pd.Index(self.uniques, dtype=object)), -1)[self.codes]
        return out


@dataclass
class Frame:
    """A validated frame: key columns as strings, fact and input columns typed."""

    name: str
    n: int
    keys: dict[str, Key]
    year: np.ndarray | None
    cols: dict[str, Column] = field(default_factory=dict)
    inputs: dict[str, Column] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    raw: pd.DataFrame | None = None
    row_bad: np.ndarray | None = None  # object: None or message (first bad cell of the row)

    def take(self, rows: np.ndarray) -> Frame:
        """The validated frame of some rows (a chunk of schools): columns taken, nothing validated again."""
        def col(c: Column) -> Column:
            return Column(c.t, c.v[rows], c.k[rows], {})

        return Frame(self.name, len(rows), {k: key.take(rows) for k, key in self.keys.items()},
                     None if self.year is None else self.year[rows], {n: col(c) for n, c in self.cols.items()},
                     {n: col(c) for n, c in self.inputs.items()}, set(self.present),
                     None if self.raw is None or self.name != "schools" else self.raw.iloc[rows],
                     None if self.row_bad is None else self.row_bad[rows])

    @property
    def record_years(self) -> np.ndarray:
        """The year of each row of a year frame (school_years, unit_years, staff_years; -1 = invalid)."""
        if self.year is None:
            raise ValueError(f"frame '{self.name}' has no year column")
        return self.year


def _bad_msg(col: str, value: Any, why: str) -> str:
    return f"cột '{col}' = {value!r}: {why}"


_TRUE = {"true", "1", "yes", "có", "co", "x", "đúng", "dung"}
_FALSE = {"false", "0", "no", "không", "khong", "sai"}


class _LazyRaw:
    """The raw cells, materialised only when a message must quote one."""

    def __init__(self, series: pd.Series) -> None:
        self.series = series
        self._arr: np.ndarray | None = None

    def _cells(self) -> np.ndarray:
        if self._arr is None:
            self._arr = self.series.to_numpy(dtype=object)
        return self._arr

    def __getitem__(self, i: Any) -> Any:
        return self._cells()[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cells())


def normalize(series: pd.Series, t: Type, col: str, model: type[BaseModel] | None = None) -> Column:
    """Validate a column against a fact type, vectorised where the dtype allows."""
    match t.kind:
        case "num":
            return _numbers(series, t, col, model)
        case "bool":
            if series.dtype == bool:
                return Column(t, series.to_numpy(dtype=bool), np.ones(len(series), dtype=bool), {})
            return _by_unique(series, t, col, _as_bool, bool, "không phải đúng/sai / not a boolean")
        case "enum":
            return _enums(series, t, col)
        case "date":
            if series.dtype.kind == "M":
                return Column(t, series.to_numpy().astype("datetime64[D]"), ~pd.isna(series).to_numpy(), {})
            return _by_unique(series, t, col, _as_date, "datetime64[D]",
                              "không phải ngày hợp lệ; dùng YYYY-MM-DD hoặc dd/mm/yyyy / not a valid date; use "
                              "YYYY-MM-DD or dd/mm/yyyy")
        case "list":
            return _lists(series, t, col)
        case _:  # str
            fast = _fast_str(series)
            if fast is not None:
                return Column(t, fast, ~pd.isna(series).to_numpy(), {})
            return _by_unique(series, t, col, _as_str, object, "")


def _numbers(series: pd.Series, t: Type, col: str, model: type[BaseModel] | None) -> Column:
    """Numbers (text read by the column's convention) within the model's bounds; bools are not numbers."""
    raw = _LazyRaw(series)
    k = ~pd.isna(series).to_numpy()
    series, unread = _text_numbers(series, col)
    num = pd.to_numeric(series, errors="coerce")
    if series.dtype == bool or series.dtype == object:
        isbool = np.array([isinstance(x, bool | np.bool_) for x in raw], dtype=bool)
    else:
        isbool = np.zeros(len(series), dtype=bool)
    v = num.to_numpy(dtype=float, na_value=np.nan)
    wrong = k & (np.isnan(v) | isbool | ~np.isfinite(np.where(np.isnan(v), 0.0, v)))
    ge, le, integer = _bounds(model, col) if model is not None else (None, None, False)
    with np.errstate(invalid="ignore"):
        if ge is not None:
            wrong |= k & (v < ge)
        if le is not None:
            wrong |= k & (v > le)
        if integer:
            wrong |= k & (np.floor(v) != v)
    why = "không phải số hợp lệ / not a valid number" + (f" (≥ {ge})" if ge is not None else "") \
        + (f" (≤ {le})" if le is not None else "")
    bad = {int(i): _bad_msg(col, raw[i], why) for i in np.flatnonzero(wrong)}
    bad.update(unread)
    k = k & ~wrong
    return Column(t, np.where(k, v, np.nan), k, bad)


def _as_bool(x: Any) -> bool | None:
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | float | np.number):
        return {0.0: False, 1.0: True}.get(float(x))
    key = str(x).strip().lower()
    return True if key in _TRUE else False if key in _FALSE else None


def _as_date(x: Any) -> Any:
    try:  # an Excel date, ISO text or dd/mm/yyyy, as the facts reader takes them
        return np.datetime64(to_date(x.date() if isinstance(x, pd.Timestamp) else x), "D")
    except ValueError:
        return None


def _enums(series: pd.Series, t: Type, col: str) -> Column:
    """Vocabulary values (codes or Vietnamese spellings) as ranks; -1 where unknown or invalid."""
    assert t.vocab is not None
    raw = _LazyRaw(series)
    ranks = {m.value: i for i, m in enumerate(t.vocab)}
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.full(len(uniques) + 1, -1, dtype=np.int64)
    allowed = ", ".join(m.value for m in t.vocab)
    for j, u in enumerate(uniques):
        try:
            mapped[j] = ranks[t.vocab(str(u).strip()).value]
        except ValueError:
            mapped[j] = -2
    v = mapped[codes]
    wrong = v == -2
    bad = {int(i): _bad_msg(col, raw[i], f"không thuộc danh mục / not one of: {allowed}") for i in np.flatnonzero(wrong)}
    k = ~pd.isna(series).to_numpy() & ~wrong
    return Column(t, np.where(k, v, -1), k, bad)


def _lists(series: pd.Series, t: Type, col: str) -> Column:
    """Lists ("a; b" in one cell); titles and rewards as their codes ("Chiến sĩ thi đua cơ sở" is
    chien_si_thi_dua_co_so, as in facts), an unknown one a bad cell."""
    raw = _LazyRaw(series)
    k = ~pd.isna(series).to_numpy()
    conferred = models.CONFERRED_FIELDS.get(col)
    v = np.full(len(series), None, dtype=object)
    bad: dict[int, str] = {}
    for i in np.flatnonzero(k):
        x = raw[i]
        items = [str(s).strip() for s in x] if isinstance(x, list | tuple | np.ndarray) \
            else [s.strip() for s in re.split(r"[;\n]", str(x)) if s.strip()]
        if conferred is not None:
            try:
                items = [str(conferred_code(conferred, s)) for s in items]
            except ValueError as exc:
                bad[int(i)] = _bad_msg(col, x, str(exc))
                k[i] = False
                continue
        v[i] = items
    return Column(t, v, k, bad)


def _text_numbers(series: pd.Series, col: str) -> tuple[pd.Series, dict[int, str]]:
    """Text cells of a numeric column read by the column's convention (facts/numerals.py): "25.000" is
    25 000 where the column writes numbers the Vietnamese way. Returns the column with numbers in place of the
    text it could read, and the message of each text cell it could not."""
    if not (series.dtype == object or isinstance(series.dtype, pd.StringDtype)):
        return series, {}
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [u for u in uniques if isinstance(u, str)]
    if not texts:
        return series, {}
    conv = numerals.convention(texts)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[-1] = np.nan
    why: dict[int, str] = {}
    for j, u in enumerate(uniques):
        if not isinstance(u, str):
            values[j] = u
            continue
        try:
            values[j] = numerals.read(u, conv)
        except ValueError as exc:
            values[j] = np.nan
            why[j] = _bad_msg(col, u, str(exc.args[0]))
    bad = {}
    if why:
        for i in np.flatnonzero(np.isin(codes, list(why))):
            bad[int(i)] = why[int(codes[i])]
    return pd.Series(values[codes], index=series.index, dtype=object), bad


def _outside(declared: str | None, v: np.ndarray) -> np.ndarray:
    """Rows whose number the declared type refuses (the vectorised prefilter of ``input_problem``)."""
    with np.errstate(invalid="ignore"):
        match declared:
            case "share":
                return np.asarray((v < 0) | (v > 1))
            case "integer":
                return np.asarray((v < 0) | (np.floor(v) != v))
            case _:
                return np.zeros(len(v), dtype=bool)


def _fast_str(series: pd.Series) -> np.ndarray | None:
    """Text columns without a per-cell Python loop (pandas/Arrow string kernels)."""
    if series.dtype.kind in "iu":
        return series.astype(str).to_numpy(dtype=object)
    if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")):
        stripped = series.astype("string").str.strip()
        # pandas-stubs leave None out of na_value's type; pandas takes it (missing cells become None).
        text: np.ndarray = stripped.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
        return text
    return None


def _as_str(x: Any) -> str:
    if isinstance(x, float) and float(x).is_integer():
        x = int(x)
    return str(x).strip()


def _iso_dates(uniques: Any) -> list[Any] | None:
    """Parse distinct ISO date strings in one vectorised call; None when they are not all text."""
    if not len(uniques) or not all(isinstance(u, str) for u in uniques[:50]):
        return None
    text = pd.Series(np.asarray(uniques, dtype=object)).str.strip().str.replace(r"[ T]00:00:00$", "", regex=True)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")  # the whole cell: not "2012-09-01xyz"
    arr = parsed.to_numpy().astype("datetime64[D]")
    return [None if np.isnat(x) else x for x in arr]


def _by_unique(series: pd.Series, t: Type, col: str, conv: Any, dtype: Any, why: str) -> Column:
    """Convert each distinct value once (fast on large frames with few distinct values)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    vals = _iso_dates(uniques) if dtype == "datetime64[D]" else None
    if vals is None:
        vals = [conv(u) for u in uniques]
    else:  # the vectorised ISO pass leaves other spellings (dd/mm/yyyy) to the converter
        vals = [v if v is not None else conv(u) for v, u in zip(vals, uniques, strict=True)]
    ok = np.array([v is not None for v in vals] + [False], dtype=bool)
    if dtype == "datetime64[D]":
        table = np.array([v if v is not None else np.datetime64("NaT") for v in vals]
                         + [np.datetime64("NaT")], dtype="datetime64[D]")
    elif dtype is bool:
        table = np.array([bool(v) for v in vals] + [False], dtype=bool)
    else:
        table = np.empty(len(vals) + 1, dtype=object)
        table[:len(vals)] = vals
    v = table[codes]
    k = ok[codes]
    bad: dict[int, str] = {}
    wrong = (codes >= 0) & ~k
    if wrong.any():
        raw = series.to_numpy(dtype=object)
        for i in np.flatnonzero(wrong):
            bad[int(i)] = _bad_msg(col, raw[i], why)
    return Column(t, v, k, bad)


def _keys(df: pd.DataFrame, name: str) -> dict[str, Key]:
    _, _, idcol, extra = SPECS[name]
    out = {}
    for col in (idcol, *extra):
        if col == "year":
            continue
        if col not in df.columns:
            if name == "research" and col == "staff_id":
                out[col] = Key(np.full(len(df), -1, dtype=np.int64), np.zeros(0, dtype=object))
                continue
            raise FactsError(Text(f"khung '{name}' thiếu cột '{col}'", f"frame '{name}' lacks column '{col}'"))
        col_s = df[col]
        if col_s.dtype.kind in "iu":
            col_s = col_s.astype(str)
        codes, uniq = pd.factorize(col_s, use_na_sentinel=True)
        if (codes < 0).any() and not (name == "research" and col == "staff_id"):
            raise FactsError(Text(f"khung '{name}': cột '{col}' có ô trống (dòng {int(np.flatnonzero(codes < 0)[0])}); "
                                  "cần một mã",
                                  f"frame '{name}': empty key cell in column '{col}' "
                                  f"(row {int(np.flatnonzero(codes < 0)[0])}); expected an id"))
        if isinstance(col_s.dtype, pd.StringDtype) or col_s.dtype.kind in "iu":
            raw = pd.Series(uniq, dtype=col_s.dtype).astype("string")
            stripped = raw.str.strip()
            # compared as strings (Arrow kernels), made Python objects once
            same = bool(stripped.eq(raw).all())
            u2 = stripped.to_numpy(dtype=object)
            text = u2
        else:
            u2 = np.asarray(uniq, dtype=object)
            text = np.array([_as_str(x) for x in u2], dtype=object)
            same = bool(np.array_equal(text, u2))
        if not same:  # ' a' and 'a' are one id, as in the models (whitespace stripped)
            c2, u2 = pd.factorize(text)
            codes = np.append(c2, -1)[codes].astype(np.int64)
        codes = codes.astype(np.int64)
        out[col] = Key(codes, np.asarray(u2, dtype=object))
    return out


def input_variables(pack: Plan) -> dict[str, dict[str, Variable]]:
    """Per kind of entity, the pack variables a frame may supply as columns (by name)."""
    out: dict[str, dict[str, Variable]] = {}
    for (kind, name), var in pack.variables.items():
        out.setdefault(kind, {})[name] = var
    return out


def prepare(name: str, df: pd.DataFrame, input_types: Mapping[str, Variable]) -> Frame:
    """Validate one frame: keys, typed fact columns, pack inputs; unknown columns are an error."""
    kind, model, idcol, extra = SPECS[name]
    attrs = dict(df.attrs)
    df = df.reset_index(drop=True)
    numbers = df.pop(ROW).to_numpy() if ROW in df.columns else np.arange(len(df))
    types = field_types(name)
    keys = _keys(df, name)
    year = None
    row_bad = np.full(len(df), None, dtype=object)
    if "year" in extra:
        if "year" not in df.columns:
            raise FactsError(Text(f"khung '{name}' thiếu cột 'year'", f"frame '{name}' lacks column 'year'"))
        yc = normalize(df["year"], Type("num"), "year", model)
        missing = ~yc.k
        for i in np.flatnonzero(missing):
            row_bad[i] = yc.bad.get(int(i)) or _bad_msg("year", df["year"].iloc[i], "thiếu năm / year missing")
        year = np.where(yc.k, yc.v, -1).astype(np.int64)
    frame = Frame(name, len(df), keys, year, raw=df)
    allowed = set(types) | set(input_types) | KEY_COLUMNS | {"year"} | ({"on"} if name == "schools" else set())
    unknown = [c for c in df.columns if c not in allowed]
    if unknown:
        raise FactsError(Text(f"khung '{name}': cột không rõ {unknown} (không phải dữ kiện hay biến loại '{kind}' "
                              "của bộ quy tắc)",
                              f"frame '{name}': unknown columns {unknown} (neither a fact field nor a pack variable of "
                              f"kind '{kind}')"))
    for col in df.columns:
        if col in types:
            c = normalize(df[col], types[col], col, model)
            frame.cols[col] = c
            frame.present.add(col)
        elif col in input_types and col not in KEY_COLUMNS:
            c = _normalize_input(df[col], input_types[col], col)
            frame.inputs[col] = c
        else:
            continue
        for row, msg in c.bad.items():
            if row_bad[row] is None:
                row_bad[row] = msg
    if name == "initiatives":
        _never_used(frame, row_bad)
    for i in np.flatnonzero(not_none(row_bad)):  # where the official finds the cell: file, row
        row_bad[i] = f"{where(attrs, name, int(numbers[i]))}, {row_bad[i]}"
    frame.row_bad = row_bad
    return frame


def _never_used(frame: Frame, row_bad: np.ndarray) -> None:
    """An empty ``used_for`` list says never used: ``used`` reads false there; a row saying both never used and
    used is a bad row, as in the models (models.Initiative)."""
    n = frame.n
    listed = frame.cols.get("used_for")
    lists = listed.v if listed is not None else np.full(n, None, dtype=object)
    empty = np.array([isinstance(x, list) and not x for x in lists], dtype=bool)
    named = np.array([isinstance(x, list) and bool(x) for x in lists], dtype=bool)
    used = frame.cols.get("used")
    if used is None:
        if not empty.any():
            return
        used = Column(field_types("initiatives")["used"], np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), {})
        frame.cols["used"] = used
        frame.present.add("used")
    year = frame.cols.get("used_in_year")
    dated = year.k if year is not None else np.zeros(n, dtype=bool)
    never = (used.k & ~used.v.astype(bool)) | empty
    both = never & ((used.k & used.v.astype(bool)) | dated | named)
    for i in np.flatnonzero(both):
        if row_bad[i] is None:
            row_bad[i] = ("sáng kiến vừa ghi chưa dùng (used: false hoặc used_for rỗng) vừa ghi đã dùng / recorded both "
                          "as never used and as used")
    fill = empty & ~used.k
    used.v = np.where(fill, False, used.v).astype(bool)
    used.k = used.k | fill


def _normalize_input(series: pd.Series, var: Variable, col: str) -> Column:
    """Inputs follow the engine's typing of supplied figures and the type the pack declares (facts/inputs.py:
    a share lies in [0, 1], 85 for 85 % is refused with the way to write it; a count is a whole number)."""
    t = var.type
    n = len(series)
    raw = series.to_numpy(dtype=object)
    k = ~pd.isna(series).to_numpy()
    bad: dict[int, str] = {}
    kind = t.kind
    if kind == "num":
        v = np.full(n, np.nan)
        texts, unread = _text_numbers(series, col)
        bad.update(unread)
        read = texts.to_numpy(dtype=object)
        for i in np.flatnonzero(k):
            x = read[i] if isinstance(raw[i], str) else raw[i]  # text read by the column's convention
            if int(i) in unread:
                k[i] = False
            elif isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool | np.bool_) \
                    and math.isfinite(float(x)):
                v[i] = float(x)
            else:
                bad[int(i)] = f"input '{col}' must be num, got {type(x).__name__} {x!r}"
                k[i] = False
        for i in np.flatnonzero(k & _outside(var.declared, v)):
            bad[int(i)] = _bad_msg(col, raw[i], input_problem(var.declared, float(v[i])) or "")
            k[i] = False
        return Column(t, v, k, bad)
    if kind == "bool":
        v = np.zeros(n, dtype=bool)
        for i in np.flatnonzero(k):
            x = raw[i]
            key = str(x).strip().lower() if isinstance(x, str) else None
            if isinstance(x, bool | np.bool_) or key in ("true", "false"):
                v[i] = bool(x) if key is None else key == "true"
            else:
                bad[int(i)] = f"input '{col}' must be bool, got {type(x).__name__} {x!r}"
                k[i] = False
        return Column(t, v, k, bad)
    if kind == "date":
        return normalize(series, t, col)
    if kind == "str":
        v = np.full(n, None, dtype=object)
        for i in np.flatnonzero(k):
            x = raw[i]
            if isinstance(x, str):
                v[i] = x
            else:
                bad[int(i)] = f"input '{col}' must be str, got {type(x).__name__} {x!r}"
                k[i] = False
        return Column(t, v, k, bad)
    return normalize(series, t, col)
