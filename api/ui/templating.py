"""The web pages' Jinja2 environment (api/ui/templates, and explanations/templates for the report partials it
reuses) and the page texts in Chinese and English."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from api.ui.session import LANG_COOKIE, UiSession, lang_of
from api.ui.texts import TEXTS
from explanations.i18n import RESOURCES, level_label

__all__ = ["page"]


@cache
def _environment() -> Environment:
    return Environment(
        loader=ChoiceLoader([PackageLoader("api.ui", "templates"), PackageLoader("explanations", "templates")]),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(request: Request, template: str, ui: UiSession | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = ui.lang if ui is not None else lang_of(request)
    other = "en" if lang == "zh" else "zh"
    html = (
        _environment()
        .get_template(template)
        .render(
            T=TEXTS[lang],
            lang=lang,
            other_lang=other,
            switch_url=f"{request.url.path}?lang={other}",
            ui=ui,
            role=ui.principal.role.value if ui else "",
            csrf=ui.csrf if ui else "",
            level_name=lambda level: level_label(level, lang),
            resource_name=lambda key: RESOURCES[lang].get(key, key),
            tx=lambda text: str(text.get(lang) or text.get("zh") or "") if isinstance(text, dict) else str(text or ""),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
