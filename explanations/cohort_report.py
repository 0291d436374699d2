"""The cohort report (HTML, and PDF through WeasyPrint as the plan report): Chinese first, names not ids."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from explanations.cohort_charts import box_plots_svg, heat_map_svg, levels_svg, pareto_svg, slope_svg
from explanations.cohort_text import LEVEL_NAMES
from explanations.i18n import RESOURCES
from explanations.render import _css, environment

__all__ = ["STREAM_NAMES", "fmt_number", "render_cohort_html", "render_cohort_pdf"]

STREAM_NAMES = {
    "fresh_water_m3": ("新鲜水", "fresh water"),
    "wastewater_m3": ("废水", "wastewater"),
    "electricity_kwh": ("电", "electricity"),
    "copper_recovered_kg": ("回收铜", "copper recovered"),
    "copper_in_wastewater_kg": ("废水中的铜", "copper in wastewater"),
    "copper_discharged_kg": ("排放的铜", "copper discharged"),
    "cod_in_wastewater_kg": ("废水COD", "COD in wastewater"),
    "hazardous_waste_t": ("危险废物", "hazardous waste"),
    "co2_t": ("二氧化碳", "CO2"),
}


def _t(text: Any, lang: str) -> str:
    return str(text.get(lang) or text.get("zh")) if isinstance(text, dict) else str(text or "")


def fmt_number(x: Any) -> str:
    if x is None:
        return "–"
    x = float(x)
    if x == 0:
        return "0"
    digits = max(0, 3 - len(str(int(abs(x)))))
    return f"{x:,.{digits}f}" if abs(x) < 1000 else f"{x:,.0f}"


def render_cohort_html(result: dict[str, Any], lang: str = "zh") -> str:
    zh = lang == "zh"
    levels = LEVEL_NAMES[lang]
    periods = []
    for p in result["periods"]:
        names = {e["id"]: e["name"] for e in p["enterprises"]}
        periods.append(
            {
                "p": p,
                "names": names,
                "levels_chart": Markup(levels_svg(p["levels"]["counts"], levels)),
                "box_chart": Markup(box_plots_svg([i for i in p["indicators"] if i["kind"] != "qualitative"], lang)),
                "heat_chart": Markup(heat_map_svg(p, lang)),
                "pareto_chart": Markup(pareto_svg(p["common_solutions"], lang)),
            }
        )
    ba = result.get("before_after")
    names_all = {e["id"]: e["name"] for p in result["periods"] for e in p["enterprises"]}
    return (
        environment()
        .get_template("cohort.html.j2")
        .render(
            css=_css(),
            zh=zh,
            lang=lang,
            result=result,
            periods=periods,
            names_all=names_all,
            resource_name=lambda r: RESOURCES[lang].get(r, r),
            ba=ba,
            slope_chart=Markup(slope_svg(ba, lang)) if ba else "",
            levels=levels,
            t=lambda x: _t(x, lang),
            num=fmt_number,
            stream=lambda k: STREAM_NAMES.get(k, (k, k))[0 if zh else 1],
        )
    )


def render_cohort_pdf(result: dict[str, Any], lang: str = "zh") -> bytes:
    from weasyprint import HTML  # imported here: it loads system libraries (pango)

    pdf: bytes = HTML(string=render_cohort_html(result, lang)).write_pdf()
    return pdf
