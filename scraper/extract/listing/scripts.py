"""Pagination read from the page's scripts: the function a page link calls and the form it submits
(or the URL it goes to), and pagers built by script (script-function, script-field, form-field)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..document import Doc, squash
from .results import Pagination

_FUNCTION_DEF = re.compile(
    r"(?:function\s+([A-Za-z_$][\w$]*)\s*\(\s*([A-Za-z_$][\w$]*)?[^)]*\)|"
    r"([A-Za-z_$][\w$]*)\s*=\s*function\s*\(\s*([A-Za-z_$][\w$]*)?[^)]*\))\s*\{"
)
# A form field carrying the page number: movePage, pageIndex, page, pageNo, curPage, cpage, pg...
_PAGE_FIELD = re.compile(
    r"(?:move|go|cur|curr|current|now|req|select|view|start|n|c)?_?page"
    r"(?:_?(?:no|num|number|index|idx))?|pg|pageindex",
    re.I,
)
_PAGE_FUNCTION = re.compile(r"pag(?:e|ing|ination|er)|(?:^|_)pg(?:$|_)|Pg(?:$|[A-Z_])", re.I)
# A call building the pager from numbers: paging(1, 1537, 15367), drawPagination("p", 1, 3, "f")
_CALL_NUMBERS = re.compile(
    r"([A-Za-z_$][\w$]*)\s*\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*"
    r"['\"]?(\d+)['\"]?"
)


def _function_source(doc: Doc, function: str) -> tuple[str | None, str] | None:
    """(first parameter, body) of a function written on the page, or None."""
    for script in doc.scripts:
        for m in _FUNCTION_DEF.finditer(script):
            name, arg = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            if name == function or name.endswith("." + function):
                body = script[m.end() : m.end() + 1500]
                return arg, body[: _block_end(body)]
    return None


def _input_named(doc: Doc, name: str | None = None, ident: str | None = None):
    """The input with this name (or id), and the form holding it (or None)."""
    for el in doc.root.iter("input"):
        if (name and el.get("name") == name) or (ident and el.get("id") == ident):
            form = next((f for f in el.iterancestors() if f.tag == "form"), None)
            return el, form
    return None, None


def _form_by_ref(doc: Doc, ref: str | None):
    if not ref:
        return None
    for f in doc.root.iter("form"):
        if ref in (f.get("id"), f.get("name")):
            return f
    return None


def _field_set_from(body: str, arg: str | None) -> tuple[str | None, str | None, str | None]:
    """(field name, field id, form reference) the function body sets from its argument, or the
    first page-like field it sets when it names no argument."""
    value = rf"\(?\s*{re.escape(arg)}\b" if arg else r"[^)\s]"
    m = re.search(rf"document\.(?:forms\[['\"]?)?(\w+)(?:['\"]?\])?\.(\w+)\.value\s*=\s*{value}", body)
    if m:
        return m.group(2), None, m.group(1)
    m = re.search(rf"""\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.val\(\s*{value}""", body)
    if m:
        return None, m.group(1), None
    m = re.search(
        rf"""(?:getElementById\(\s*['"]([\w-]+)['"]\s*\)|querySelector\(\s*['"]#([\w-]+)['"]\s*\))"""
        rf"""\.value\s*=\s*{value}""",
        body,
    )
    if m:
        return None, m.group(1) or m.group(2), None
    m = re.search(rf"""\[name=['"]?([\w-]+)['"]?\]['"]?\s*\)\s*\.val\(\s*{value}""", body)
    if m:
        return m.group(1), None, None
    m = re.search(rf"\b\w+\.(\w+)\.value\s*=\s*{value}", body)
    if m:
        return m.group(1), None, None
    return None, None, None


def _function_target(doc: Doc, function: str):
    """(param, form element, action, URL template) of a page's pagination function, from its
    source: the form it submits with the page number, or the URL it goes to (`location.href =
    "list.do?page=" + n`, a template with {n})."""
    param = form = action = template = None
    found = _function_source(doc, function)
    body = found[1] if found else ""
    arg = found[0] if found else None
    form_ref = None
    if body:
        name, ident, form_ref = _field_set_from(body, arg) if arg else (None, None, None)
        if not (name or ident):
            name, ident, form_ref = _field_set_from(body, None)
        if ident and not name:
            input_el, _ = _input_named(doc, ident=ident)
            name = (input_el.get("name") if input_el is not None else None) or ident
        param = name
        m3 = re.search(
            r"""\$\(\s*['"][#]?([\w-]+)['"]\s*\)\s*\.submit\(|document\.(?:forms\[['"])?(\w+)(?:['"]\])?\.submit\(""",
            body,
        )
        if m3:
            form_ref = m3.group(1) or m3.group(2)
        m4 = re.search(r"""\.action\s*=\s*['"]([^'"]+)['"]|attr\(\s*['"]action['"]\s*,\s*([^)]+)\)""", body)
        if m4:
            raw = (m4.group(1) or m4.group(2) or "").strip()
            if raw.strip("'\"") and not re.search(r"location", raw):
                action = doc.join(re.sub(r"<c:url value='([^']+)'/>", r"\1", raw.strip("'\"")))
            elif "location" in raw:
                action = doc.url
        if arg and not m3:
            m5 = re.search(
                rf"""location(?:\.href)?\s*=\s*(['"])([^'"]*)\1\s*\+\s*{re.escape(arg)}\b"""
                rf"""(?:\s*\+\s*(['"])([^'"]*)\3)?""",
                body,
            )
            if m5:
                template = doc.join(m5.group(2) + "{n}" + (m5.group(4) or ""))
    form = _form_by_ref(doc, form_ref)
    if form is None and param:
        form = _input_named(doc, name=param)[1]
    if param is None and form is not None:
        for name in ("pageIndex", "page", "pageNo", "curPage", "cpage", "pg", "movePage"):
            if form.find(f".//input[@name='{name}']") is not None:
                param = name
                break
    if action is None and form is not None:
        action = doc.join(form.get("action") or doc.url)
    return param, form, action, template


def _block_end(text: str) -> int:
    depth = 1
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _form_data(form, param: str, value: str) -> dict:
    data = {}
    for inp in form.iter("input"):
        name = inp.get("name")
        if name and (inp.get("type") or "text").lower() not in ("submit", "button", "image", "checkbox", "radio"):
            data[name] = inp.get("value") or ""
    data[param] = value
    return data


def _form_ref(form) -> str:
    return f"#{form.get('id')}" if form.get("id") else f"form[name={form.get('name')}]"


def _javascript(doc: Doc, pag: Pagination, function: str, nxt: int, next_call: str | None = None) -> Pagination:
    """`pag` as a javascript pagination through `function`, whose next call is `next_call`."""
    pag.mechanism, pag.function = "javascript", function
    pag.next_call = next_call or f"{function}({nxt})"
    param, form, action, template = _function_target(doc, function)
    pag.param = param
    if form is not None and param:
        method = (form.get("method") or "get").upper()
        pag.next_request = {"method": method, "url": action or doc.url, "data": _form_data(form, param, str(nxt))}
        pag.description = (
            f"javascript {function}(N) submits {_form_ref(form)} ({method} {action}) with "
            f"{param}=N; next: {pag.next_call}"
        )
    elif template:
        pag.template, pag.next_url = template, template.replace("{n}", str(nxt))
        pag.description = f"javascript {function}(N) goes to {template}; next: {pag.next_url}"
    else:
        pag.description = f"javascript {function}(N) (function not on the page); next: {pag.next_call}"
    return pag


def _pager_call(doc: Doc) -> tuple[str, int, int] | None:
    """(the call, current page, last page) of a script call building the pager from numbers:
    `paging( 1, 1537, 15367)` (광주광역시), `drawPagination("paging", 2, 30, "fn_link_page")`."""
    for script in doc.scripts:
        for m in _CALL_NUMBERS.finditer(script):
            name = m.group(1)
            before = script[max(0, m.start() - 9) : m.start()]
            if not _PAGE_FUNCTION.search(name) or re.search(r"function\s*$", before):
                continue
            current, last = int(m.group(2)), int(m.group(3))
            if 1 <= current <= last:
                return squash(script[m.start() : script.find(")", m.end()) + 1]), current, last
    return None


def _current_of(doc: Doc, field=None) -> tuple[int | None, int | None, str | None]:
    """(current page, last page, the call that says so) of a script-built pager: the page field's
    value first (it is what the form posts), the pager-building call's numbers when they agree
    with it or the field has none."""
    value = (field.get("value") or "").strip() if field is not None else ""
    current = int(value) if value.isdigit() and int(value) > 0 else None
    call = _pager_call(doc)
    if call and (current is None or call[1] == current):
        return call[1], call[2], call[0]
    return current, None, None


def _where(current: int | None, last: int | None, call: str | None) -> str:
    if call:
        return f"{call}: page {current} of {last}"
    return f"page {current}" if current else "current page unknown"


def _at_the_end(pag: Pagination) -> Pagination:
    """No next page when the pager says this page is the last."""
    if pag.current and pag.last and pag.current >= pag.last:
        pag.next_request = pag.next_call = pag.next_url = None
        pag.description += " (this is the last page: no next)"
    return pag


def _script_function(doc: Doc, rows_container) -> Pagination | None:
    """A page function written on the page that submits a form (or goes to a URL) with the page
    number, while the HTML holds no page link (a script file draws the pager)."""
    candidates: list[tuple[int, str]] = []
    for script in doc.scripts:
        for m in _FUNCTION_DEF.finditer(script):
            name, arg = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            name = name.rsplit(".", 1)[-1]
            if arg and _PAGE_FUNCTION.search(name) and name not in [c[1] for c in candidates]:
                used = sum(text.count(name) for text in doc.scripts) + sum(
                    1 for el in doc.root.iter("a") if name in (el.get("onclick") or "") + (el.get("href") or "")
                )
                candidates.append((-used, name))
    for _, function in sorted(candidates):
        param, form, action, template = _function_target(doc, function)
        if not ((form is not None and param and _PAGE_FIELD.fullmatch(param)) or template):
            continue  # a function setting another field (a search, a sort order) is not the pager
        field = _input_named(doc, name=param)[0] if param else None
        current, last, call = _current_of(doc, field)
        pag = _javascript(doc, Pagination(current=current, last=last), function, (current or 1) + 1)
        pag.description = f"pager drawn by script ({_where(current, last, call)}); " + pag.description
        return _at_the_end(pag)
    return None


_FIELD_SETTERS = (
    (re.compile(r"""\[name=['"]?([\w-]+)['"]?\]['"]?\s*\)\s*\.val\(\s*[^)\s]"""), "name"),
    (re.compile(r"""\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.val\(\s*[^)\s]"""), "id"),
    (re.compile(r"""getElementById\(\s*['"]([\w-]+)['"]\s*\)\.value\s*="""), "id"),
    (re.compile(r"document\.(?:forms\[['\"]?)?\w+(?:['\"]?\])?\.(\w+)\.value\s*="), "name"),
)


def _submitted(doc: Doc, form) -> bool:
    refs = [r for r in (form.get("id"), form.get("name")) if r]
    for ref in refs:
        pattern = re.compile(
            rf"""(?:['"]#?{re.escape(ref)}['"]\s*\)(?:\[0\])?|document\.{re.escape(ref)}|"""
            rf"""forms\[['"]{re.escape(ref)}['"]\]|getElementById\(\s*['"]{re.escape(ref)}['"]\s*\))"""
            r"""\s*\.submit\("""
        )
        if any(pattern.search(script) for script in doc.scripts):
            return True
    return False


def _same_host(doc: Doc, url: str) -> bool:
    return urlsplit(url).netloc == urlsplit(doc.url).netloc


def _form_pagination(doc: Doc, field, form, how: str) -> Pagination:
    param = field.get("name")
    current, last, call = _current_of(doc, field)
    nxt = (current or 1) + 1
    method = (form.get("method") or "get").upper()
    action = doc.join(form.get("action") or doc.url)
    pag = Pagination(mechanism="form", param=param, current=current, last=last)
    pag.next_request = {"method": method, "url": action, "data": _form_data(form, param, str(nxt))}
    pag.description = (
        f"pager built by script ({_where(current, last, call)}): {how} {param} of "
        f"{_form_ref(form)} and submits it ({method} {action}); next: {param}={nxt}"
    )
    return _at_the_end(pag)


def _script_field(doc: Doc, rows_container) -> Pagination | None:
    """A script that sets a page-number field of a form and submits the form (광주광역시:
    `$('#boardSearchForm').find('input[name="movePage"]').val(...)`, then `.submit()`)."""
    for script in doc.scripts:
        for pattern, kind in _FIELD_SETTERS:
            for m in pattern.finditer(script):
                ref = m.group(1)
                field, form = _input_named(doc, name=ref) if kind == "name" else _input_named(doc, ident=ref)
                if field is None or form is None or not _PAGE_FIELD.fullmatch(field.get("name") or ""):
                    continue
                if not _submitted(doc, form) or not _same_host(doc, doc.join(form.get("action") or doc.url)):
                    continue
                return _form_pagination(doc, field, form, "the page's script sets")
    return None


def _form_field(doc: Doc, rows_container) -> Pagination | None:
    """The list form (its action is this page) carrying the page number in a hidden field."""
    here = urlsplit(doc.url).path
    for form in doc.root.iter("form"):
        action = doc.join(form.get("action") or doc.url)
        if not _same_host(doc, action) or urlsplit(action).path != here:
            continue
        for box in form.iter("input"):
            if (
                (box.get("type") or "").lower() == "hidden"
                and _PAGE_FIELD.fullmatch(box.get("name") or "")
                and (box.get("value") or "").strip().isdigit()
            ):
                return _form_pagination(doc, box, form, "the list form carries")
    return None
