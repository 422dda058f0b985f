"""The ledger, quota and ranking sections of a report as plain text (appended to the table)."""

from __future__ import annotations

from typing import Any

from .results import Report

RULE = "═" * 100


def extras_text(report: Report, lang: str = "vi") -> str:
    """A plain-text rendering of the ledger, quota and ranking sections, appended to the table."""
    vi = lang == "vi"
    lines: list[str] = []
    ledger = report.extras.get("ledger")
    if ledger is not None:
        lines += _ledger_lines(ledger, vi)
    for q in report.extras.get("quotas") or []:
        lines += _quota_lines(q, vi)
    for r in report.extras.get("ranking") or []:
        lines += ["", RULE, r["message_vi"] if vi else r["message_en"]]
        for row in r["rows"]:
            tie = "  (đồng hạng)" if row["tied_with"] and vi else ("  (tied)" if row["tied_with"] else "")
            lines.append(f"  {row['rank']:>3}. {row['school']:<28} {row['score']}{tie}")
    return "\n".join(lines)


def _ledger_lines(ledger: dict[str, Any], vi: bool) -> list[str]:
    """Each claim with the basis it rests on, then the flags."""
    lines = ["", RULE, "Sổ theo dõi sáng kiến (CV 5007/BNV-TĐKT)" if vi else "Initiative ledger (CV 5007/BNV-TĐKT)"]
    for c in ledger["claims"]:
        basis = {"rating": "xếp loại HTXSNV" if vi else "HTXSNV rating",
                 "research": ", ".join(c["research"]),
                 "insufficient": ("không đủ sáng kiến: " if vi else "too few initiatives: ") + ", ".join(c["initiatives"]),
                 }.get(c["basis"], ", ".join(c["initiatives"]))
        lines.append(f"  {c['entity']:<28} {c['rule']:<45} ← {basis}")
    for f in ledger["flags"]:
        lines.append(f"  ⚠ {f['entity']}: {f['message_vi'] if vi else f['message_en']}")
    return lines


def _quota_lines(q: dict[str, Any], vi: bool) -> list[str]:
    """The candidates in rank order, each marked within, over or tied at the cap."""
    lines = ["", RULE, q["message_vi"] if vi else q["message_en"]]
    for c in q["candidates"]:
        mark = {"within_cap": "  trong tỷ lệ" if vi else "  within cap",
                "over_cap": "  NGOÀI TỶ LỆ" if vi else "  OVER CAP",
                "tied_at_cap": "  ĐỒNG HẠNG TẠI NGƯỠNG — hội đồng bỏ phiếu" if vi else "  TIED AT CAP — council votes",
                }.get(c["status"], "")
        tie = f"  (đồng hạng: {', '.join(c['tied_with'])})" if c["tied_with"] and vi else \
            (f"  (tied: {', '.join(c['tied_with'])})" if c["tied_with"] else "")
        lines.append(f"  {c['rank']:>3}. {c['entity']:<28}{mark}{tie}")
    return lines
