"""The built-in functions of the expression language, with their documentation.

The reference in docs/ is generated from this table, so the docs cannot
drift from what the checker accepts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FunctionDoc:
    name: str
    signature: str
    returns: str
    doc_vi: str
    doc_en: str
    aggregate: bool = False  # 2nd argument is evaluated for each element of the 1st


FUNCTIONS: dict[str, FunctionDoc] = {
    f.name: f
    for f in (
        FunctionDoc("count", "count(list[, condition])", "number",
                    "Số phần tử (thỏa điều kiện).", "Number of elements (meeting the condition).", True),
        FunctionDoc("share", "share(list, condition)", "ratio",
                    "Tỷ lệ phần tử thỏa điều kiện trên tổng số phần tử của danh sách (mẫu số).",
                    "Share of elements meeting the condition, over all elements of the list (the denominator).",
                    True),
        FunctionDoc("sum", "sum(list, number)", "number", "Tổng giá trị.", "Sum of a value over elements.", True),
        FunctionDoc("min", "min(list, number)", "number", "Giá trị nhỏ nhất.", "Smallest value.", True),
        FunctionDoc("max", "max(list, number)", "number", "Giá trị lớn nhất.", "Largest value.", True),
        FunctionDoc("any", "any(list, condition)", "bool", "Có ít nhất một phần tử thỏa.",
                    "At least one element meets the condition.", True),
        FunctionDoc("all", "all(list, condition)", "bool", "Mọi phần tử đều thỏa.",
                    "Every element meets the condition.", True),
        FunctionDoc("filter", "filter(list, condition)", "list", "Lọc danh sách theo điều kiện.",
                    "The elements meeting the condition.", True),
        FunctionDoc("streak", "streak(history, condition)", "number",
                    "Số năm liên tục, tính lùi từ năm đánh giá, thỏa điều kiện.",
                    "Consecutive years, counted back from the evaluation year, meeting the condition.", True),
        FunctionDoc("coalesce", "coalesce(a, b, ...)", "same as arguments",
                    "Giá trị đã biết đầu tiên (ví dụ: danh hiệu đã được công nhận, nếu không thì kết quả xét).",
                    "The first known value (e.g. the title actually conferred, else the computed eligibility)."),
        FunctionDoc("if", "if(condition, a, b)", "same as a and b", "a nếu điều kiện đúng, b nếu sai.",
                    "a when the condition holds, b when it does not."),
        FunctionDoc("known", "known(x)", "bool", "Đúng nếu dữ kiện x đã có (không bao giờ là chưa rõ).",
                    "True when the fact x is supplied (never unknown)."),
        FunctionDoc("months_since", "months_since(date)", "number",
                    "Số tháng tròn từ ngày đó đến ngày đánh giá.", "Whole months from the date to the evaluation date."),
        FunctionDoc("years_since", "years_since(date)", "number",
                    "Số năm tròn từ ngày đó đến ngày đánh giá.", "Whole years from the date to the evaluation date."),
        FunctionDoc("in_window", "in_window(year, n)", "bool",
                    "Năm nằm trong n năm tính đến năm đánh giá (ví dụ 5 năm trước khi nộp hồ sơ).",
                    "The year lies within the n years up to the evaluation year (e.g. 5 years before the dossier)."),
        FunctionDoc("abs", "abs(number)", "number", "Giá trị tuyệt đối.", "Absolute value."),
    )
}
