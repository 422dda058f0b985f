"""Labels in Vietnamese (default) and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "pass": {"vi": "Đạt", "en": "Pass"},
    "fail": {"vi": "Không đạt", "en": "Fail"},
    "unknown": {"vi": "Chưa đủ dữ liệu", "en": "Unknown"},
    "not_applicable": {"vi": "Không áp dụng", "en": "Not applicable"},
    "error": {"vi": "Lỗi dữ liệu", "en": "Input error"},
    "verified": {"vi": "đã kiểm chứng", "en": "verified"},
    "reported": {"vi": "theo nguồn thứ cấp", "en": "reported"},
    "provisional": {"vi": "TẠM THỜI", "en": "PROVISIONAL"},
    "override": {"vi": "do người dùng sửa", "en": "user override"},
    "rule": {"vi": "Quy tắc", "en": "Rule"},
    "title": {"vi": "Nội dung", "en": "Title"},
    "rule_id": {"vi": "Mã", "en": "Id"},
    "outcome": {"vi": "Kết quả", "en": "Outcome"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "threshold": {"vi": "Ngưỡng", "en": "Threshold"},
    "margin": {"vi": "Chênh lệch", "en": "Margin"},
    "citation": {"vi": "Căn cứ", "en": "Citation"},
    "provenance": {"vi": "Độ tin cậy", "en": "Provenance"},
    "group": {"vi": "Nhóm", "en": "Group"},
    "entity": {"vi": "Đối tượng", "en": "Entity"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "verdict": {"vi": "Kết luận", "en": "Verdict"},
    "missing": {"vi": "Thiếu dữ kiện", "en": "Missing facts"},
    "as_of": {"vi": "Ngày đánh giá", "en": "Evaluated on"},
    "pack": {"vi": "Bộ quy tắc", "en": "Rule pack"},
    "school": {"vi": "Trường", "en": "School"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "staff": {"vi": "Cán bộ", "en": "Staff member"},
    "cluster": {"vi": "Cụm thi đua", "en": "Emulation cluster"},
    "chua_dat": {"vi": "chưa đạt chuẩn", "en": "does not meet the standard"},
    "chua_du_du_lieu": {"vi": "chưa đủ dữ liệu", "en": "insufficient evidence"},
    "eligible": {"vi": "Đủ điều kiện", "en": "Eligible"},
    "not_eligible": {"vi": "Chưa đủ điều kiện", "en": "Not eligible"},
    "none": {"vi": "không có", "en": "none"},
    "range": {"vi": "trong khoảng", "en": "between"},
    "exceeded": {"vi": "vượt chuẩn", "en": "above the standard"},
    "provisional_note": {
        "vi": "chỉ tiêu có ngưỡng TẠM THỜI (chưa đối chiếu văn bản gốc)",
        "en": "indicators with PROVISIONAL thresholds (not checked against the official text)",
    },
    "not_in_force": {"vi": "chưa/không còn hiệu lực vào ngày đánh giá", "en": "not in force on the date"},
    "not_for_subject": {"vi": "không áp dụng cho đối tượng này", "en": "does not apply to this subject"},
    "not_yet_recruited": {"vi": "chưa được tuyển dụng trong năm đánh giá", "en": "not yet recruited in the year"},
    "applicability_unknown": {"vi": "chưa rõ có áp dụng hay không", "en": "applicability unknown"},
}


def t(key: str, lang: str = "vi") -> str:
    entry = LABELS.get(key)
    if entry is None:
        return key
    return entry.get(lang, entry["vi"])


def pick(vi: str | None, en: str | None, lang: str) -> str:
    """The text in the asked language, falling back to Vietnamese."""
    if lang == "en" and en:
        return en
    return vi or en or ""

