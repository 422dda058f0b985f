"""The page at ``/``: choose a pack and a date, upload a workbook or pick an example, read the report.

One self-contained HTML document with a little plain JavaScript (no build step): the form is sent to
``POST /v1/evaluate`` as multipart; the HTML report is shown in a frame, and the same inputs are sent
again for each download (Excel, JSON, HTML). Vietnamese first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

# Example fact folders (fixtures/) with the pack and date they are written for.
EXAMPLES: dict[str, tuple[str, str, str]] = {
    "demo": ("demo", "2025-12-31", "Hai trường minh họa (bộ demo)"),
    "schools": ("qd11_2021", "2025-06-30", "Sáu trường chính trị tỉnh (Quy định 11-QĐ/TW)"),
    "thi_dua": ("thi_dua", "2024-12-31", "Trường chính trị mẫu (thi đua, khen thưởng)"),
    "clusters": ("ke_hoach_cum_btb_2023", "2023-12-31", "Cụm thi đua Bắc Trung Bộ 2023"),
}

_CSS = """
body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#8b1a1a;color:#fff;padding:.8rem 1.5rem}header h1{margin:0;font-size:1.3rem}
main{padding:1rem 1.5rem;max-width:1200px}
form{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;align-items:center;background:#fff;
padding:1rem;border:1px solid #ddd;border-radius:6px}
label{font-weight:600}select,input{font:inherit;padding:.25rem}
.actions{grid-column:1/3}button{font:inherit;padding:.4rem 1rem;cursor:pointer}
#status{margin:.8rem 0;min-height:1.4em}#status.error{color:#a40000;font-weight:600}
#downloads{margin:.5rem 0}iframe{width:100%;height:75vh;border:1px solid #ccc;background:#fff}
small{color:#555}
"""

_JS = """
const form = document.getElementById('f');
const status = document.getElementById('status');
const frame = document.getElementById('report');
const downloads = document.getElementById('downloads');
const examples = JSON.parse(document.getElementById('examples').textContent);
form.example.addEventListener('change', () => {
  const ex = examples[form.example.value];
  if (ex) { form.pack.value = ex.pack; form.date.value = ex.date; }
});
function inputs(format) {
  const data = new FormData(form);
  if (!data.get('example')) data.delete('example'); else data.delete('file');
  data.set('format', format);
  return data;
}
async function send(format) {
  const res = await fetch('/v1/evaluate', {method: 'POST', body: inputs(format)});
  if (!res.ok) {
    let msg = res.status + ' ' + res.statusText;
    try { const p = await res.json(); msg = p.title + ': ' + p.detail; } catch (e) {}
    throw new Error(msg);
  }
  return res;
}
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  status.className = ''; status.textContent = 'Đang đánh giá…'; downloads.hidden = true;
  try {
    const res = await send('html');
    frame.srcdoc = await res.text();
    status.textContent = 'Đã đánh giá: bộ ' + form.pack.value + ', ngày ' + form.date.value + '.';
    downloads.hidden = false;
  } catch (e) { status.className = 'error'; status.textContent = 'Lỗi — ' + e.message; }
});
downloads.addEventListener('click', async (ev) => {
  const fmt = ev.target.dataset && ev.target.dataset.format;
  if (!fmt) return;
  try {
    const blob = await (await send(fmt)).blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'bao_cao_' + form.pack.value + '_' + form.date.value + '.' + fmt;
    document.body.appendChild(a); a.click(); a.remove();
  } catch (e) { status.className = 'error'; status.textContent = 'Lỗi — ' + e.message; }
});
"""


def page_html(packs: Mapping[str, Any], examples: Mapping[str, Path], today: dt.date) -> str:
    """The page, listing the packs served and the examples found."""
    pack_opts = "".join(f"<option value='{escape(pid)}'>{escape(p.header.title_vi)} ({escape(pid)})</option>"
                        for pid, p in packs.items())
    shown = {k: v for k, v in EXAMPLES.items() if k in examples and v[0] in packs}
    ex_opts = "".join(f"<option value='{escape(k)}'>{escape(v[2])}</option>" for k, v in shown.items())
    ex_data = json.dumps({k: {"pack": v[0], "date": v[1]} for k, v in shown.items()}).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang='vi'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width,initial-scale=1'>
<title>chuan_engine — đánh giá theo quy định</title><style>{_CSS}</style></head>
<body><header><h1>Đánh giá theo quy định</h1>
<small style='color:#f3dede'>Tiêu chuẩn trường chính trị, thi đua khen thưởng — chuan_engine</small></header>
<main>
<form id='f'>
<label for='pack'>Bộ quy tắc</label><select id='pack' name='pack'>{pack_opts}</select>
<label for='date'>Ngày đánh giá</label><input id='date' type='date' name='date' value='{today.isoformat()}' required>
<label for='lang'>Ngôn ngữ báo cáo</label><select id='lang' name='lang'><option value='vi'>Tiếng Việt</option>
<option value='en'>English</option></select>
<label for='file'>Tệp dữ kiện</label><span><input id='file' type='file' name='file' multiple
accept='.xlsx,.csv,.yaml,.yml,.json'> <small>sổ tính .xlsx (mỗi khung một trang tính), các tệp .csv,
hoặc tệp YAML/JSON</small></span>
<label for='example'>hoặc ví dụ có sẵn</label><select id='example' name='example'>
<option value=''>— không dùng —</option>{ex_opts}</select>
<div class='actions'><button type='submit' id='go'>Đánh giá</button></div>
</form>
<div id='status' role='status' aria-live='polite'></div>
<div id='downloads' hidden>Tải về: <button type='button' data-format='xlsx'>Excel (.xlsx)</button>
<button type='button' data-format='json'>JSON</button> <button type='button' data-format='html'>HTML</button></div>
<iframe id='report' title='Báo cáo đánh giá'></iframe>
<script type='application/json' id='examples'>{ex_data}</script>
<script>{_JS}</script>
</main></body></html>
"""
