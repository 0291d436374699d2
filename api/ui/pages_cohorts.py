"""The cohort dashboard (/ui/cohorts, /ui/cohorts/{id}): the overall evaluation with its charts, common problems
and solutions with their aggregate potential, before/after, for bureau, platform and auditor keys (an auditor sees
the members in its districts); an enterprise key sees its own position against anonymised peers only.

Everything comes from the functions the API's routes call (api/routers/cohorts.py, api/cohort_store.py and the
engine's own_position), so the pages and GET /v1/cohorts/{id}/evaluation and /position cannot disagree.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from api import cohort_store
from api.access import COHORT_READERS, Role
from api.deps import get_kb
from api.problems import ProblemError
from api.routers import cohorts as api_cohorts
from api.ui.common import need_role
from api.ui.session import UiSession, UiSessionDep
from api.ui.templating import page
from explanations.cohort_charts import box_plots_svg, heat_map_svg, levels_svg, pareto_svg, slope_svg
from explanations.cohort_report import STREAM_NAMES, fmt_number, render_cohort_html
from explanations.cohort_text import LEVEL_NAMES

__all__ = ["router"]

router = APIRouter(prefix="/ui/cohorts", include_in_schema=False)
VIEWERS = (*COHORT_READERS, Role.enterprise)


def _stream(key: str, lang: str) -> str:
    names: tuple[str, str] = STREAM_NAMES.get(key, (key, key))
    return names[0 if lang == "zh" else 1]


def _period_view(p: dict[str, Any], lang: str) -> dict[str, Any]:
    """One period of the evaluation with its charts (SVG) and the names of its enterprises."""
    return {
        "p": p,
        "names": {e["id"]: e["name"] for e in p["enterprises"]},
        "levels_chart": Markup(levels_svg(p["levels"]["counts"], LEVEL_NAMES[lang])),
        "box_chart": Markup(box_plots_svg([i for i in p["indicators"] if i["kind"] != "qualitative"], lang)),
        "heat_chart": Markup(heat_map_svg(p, lang)),
        "pareto_chart": Markup(pareto_svg(p["common_solutions"], lang)),
    }


@router.get("")
def list_page(request: Request, ui: UiSessionDep) -> Response:
    need_role(ui, *VIEWERS)
    with request.app.state.sessions() as session:
        rows, _ = cohort_store.list_cohorts(session, ui.principal, 100, 0)
    return page(request, "cohorts.html.j2", ui, rows=rows)


def _evaluation(request: Request, ui: UiSession, cohort_id: str) -> dict[str, Any]:
    loaded = get_kb(request.app.state.kb)
    with request.app.state.sessions() as session:
        if ui.principal.role is Role.enterprise:
            return api_cohorts.get_own_position(cohort_id, ui.principal, session, loaded)
        return api_cohorts._evaluation(cohort_id, ui.principal, session, loaded)


@router.get("/{cohort_id}")
def show(request: Request, cohort_id: str, ui: UiSessionDep) -> Response:
    need_role(ui, *VIEWERS)
    try:
        result = _evaluation(request, ui, cohort_id)
    except ProblemError as exc:
        return page(request, "message.html.j2", ui, status_code=exc.status, message_key="not_found")
    lang = ui.lang
    if ui.principal.role is Role.enterprise:
        return page(
            request,
            "cohort_position.html.j2",
            ui,
            result=result,
            levels=LEVEL_NAMES[lang],
            num=fmt_number,
        )
    ba = result.get("before_after")
    with request.app.state.sessions() as session:
        rewards = api_cohorts.cohort_rewards_of(session, ui.principal, cohort_id)
    names = {e["id"]: e["name"] for p in result["periods"] for e in p["enterprises"]}
    return page(
        request,
        "cohort.html.j2",
        ui,
        result=result,
        rewards=rewards,
        names=names,
        periods=[_period_view(p, lang) for p in result["periods"]],
        ba=ba,
        slope_chart=Markup(slope_svg(ba, lang)) if ba else "",
        levels=LEVEL_NAMES[lang],
        num=fmt_number,
        stream=lambda k: _stream(k, lang),
    )


@router.get("/{cohort_id}/report")
def report(request: Request, cohort_id: str, ui: UiSessionDep) -> Response:
    """The cohort report (HTML) of GET /v1/cohorts/{id}/report, with the cookie session."""
    need_role(ui, *COHORT_READERS)
    try:
        result = _evaluation(request, ui, cohort_id)
    except ProblemError as exc:
        return page(request, "message.html.j2", ui, status_code=exc.status, message_key="not_found")
    return HTMLResponse(render_cohort_html(result, ui.lang))
