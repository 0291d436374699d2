"""The layout of the self-inspection workbook, shared by the writer and the reader.

Every sheet has a hidden marker in A1 (``sheet:<id>`` or ``step:<step id>``), so the reader finds its sheets in
either language; rows of key-value sheets carry their key in the hidden column A. Row 1 is the title, row 2 the
column headers, data start at row 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine.intake.units import UNITS

__all__ = [
    "DATA_ROW",
    "ENUMS",
    "FIELD_ROWS",
    "SHEETS",
    "TABLES",
    "UNITS_OF",
    "UNKNOWN_LABEL",
    "YES_NO",
    "Column",
    "Enum",
    "FieldRow",
    "Table",
    "sheet_title",
]

DATA_ROW = 3
UNKNOWN_LABEL = {"zh": "未知", "en": "unknown"}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}

Kind = Literal["text", "int", "decimal", "bool", "enum", "quantity", "percent"]


@dataclass(frozen=True)
class Enum:
    """Allowed values of a field with their labels: (value, zh, en)."""

    id: str
    values: tuple[tuple[str, str, str], ...]

    def label(self, value: str, lang: str) -> str:
        for v, zh, en in self.values:
            if v == value:
                return zh if lang == "zh" else en
        return value

    def labels(self, lang: str) -> list[str]:
        return [zh if lang == "zh" else en for _, zh, en in self.values]

    def parse(self, text: str) -> str | None:
        t = text.strip()
        for v, zh, en in self.values:
            if t in (v, zh) or t.lower() == en.lower():
                return v
        return None


def _enum(eid: str, *values: tuple[str, str, str]) -> Enum:
    return Enum(eid, values)


ENUMS: dict[str, Enum] = {
    e.id: e
    for e in (
        _enum(
            "grid_region",
            ("north", "华北电网", "North China grid"),
            ("northeast", "东北电网", "Northeast grid"),
            ("east", "华东电网", "East China grid"),
            ("central", "华中电网", "Central China grid"),
            ("northwest", "西北电网", "Northwest grid"),
            ("southwest", "西南电网", "Southwest grid"),
            ("southern", "南方电网", "China Southern grid"),
        ),
        _enum(
            "rigidity", ("rigid", "刚性板", "rigid"), ("flexible", "挠性板（含刚挠结合板）", "flexible or rigid-flex")
        ),
        _enum(
            "construction",
            ("single", "单面板", "single-sided"),
            ("double", "双面板", "double-sided"),
            ("multilayer", "多层板", "multilayer"),
            ("hdi", "HDI板", "HDI"),
        ),
        _enum("total", ("fresh_water", "新鲜水", "fresh water"), ("electricity", "电", "electricity")),
        _enum(
            "fuel",
            ("natural_gas", "天然气", "natural gas"),
            ("diesel", "柴油", "diesel"),
            ("lpg", "液化石油气", "LPG"),
            ("steam", "蒸汽", "steam"),
            ("other", "其他", "other"),
        ),
        _enum(
            "chemical",
            ("etchant", "蚀刻液", "etchant"),
            ("ink", "油墨", "ink"),
            ("dry_film", "干膜", "dry film"),
            ("plating", "电镀药水/阳极", "plating chemicals"),
            ("developer", "显影液", "developer"),
            ("stripper", "去膜液", "stripper"),
            ("micro_etch", "微蚀液", "micro-etch"),
            ("cleaner", "清洗剂", "cleaner"),
            ("other", "其他", "other"),
        ),
        _enum("category", ("hazardous", "危险废物", "hazardous"), ("general", "一般工业固体废物", "general")),
        _enum(
            "position",
            ("before_treatment", "处理前（进水）", "before treatment (raw)"),
            ("workshop_outlet", "车间或生产设施排放口", "workshop or facility outlet"),
            ("discharge", "企业总排放口", "main discharge outlet"),
        ),
        _enum(
            "gb21900_table",
            ("table2", "GB 21900 表2", "GB 21900 Table 2"),
            ("table3", "GB 21900 表3", "GB 21900 Table 3"),
        ),
        _enum(
            "discharge_route",
            ("municipal_sewer", "排入市政管网/城镇污水处理厂", "municipal sewer / town treatment plant"),
            ("park_plant", "排入园区集中污水处理厂", "industrial-park treatment plant"),
            ("direct", "直接排入环境水体", "direct to surface water"),
            ("none", "不外排", "no discharge"),
        ),
        _enum("absent_reason", ("outsourced", "外协加工", "outsourced"), ("not_used", "本厂工艺无此工序", "not used")),
        _enum("record", ("reported", "报告值（年度）", "reported value (year)"), ("sample", "监测样品", "sample")),
        _enum(
            "pollutant",
            ("cu", "总铜", "total copper"),
            ("ni", "总镍", "total nickel"),
            ("cod", "化学需氧量", "COD"),
            ("nh3n", "氨氮", "ammonia nitrogen"),
            ("tn", "总氮", "total nitrogen"),
            ("tp", "总磷", "total phosphorus"),
            ("cn", "总氰化物", "total cyanide"),
            ("ss", "悬浮物", "suspended solids"),
            ("total_cr", "总铬", "total chromium"),
            ("cr6", "六价铬", "hexavalent chromium"),
            ("cd", "总镉", "total cadmium"),
            ("pb", "总铅", "total lead"),
            ("ag", "总银", "total silver"),
            ("ph", "pH值", "pH"),
        ),
    )
}


@dataclass(frozen=True)
class FieldRow:
    """One row of a key-value sheet: the field's path under its record, label, kind."""

    key: str
    zh: str
    en: str
    kind: Kind
    qkind: str | None = None  # kind of quantity (engine/intake/units.py)
    enum: str | None = None
    help_zh: str = ""
    help_en: str = ""

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _q(key: str, qkind: str, zh: str, en: str, help_zh: str = "", help_en: str = "") -> FieldRow:
    return FieldRow(key, zh, en, "quantity", qkind, None, help_zh, help_en)


_PERMIT = tuple(
    _q(f"wastewater.permit_limits.{p}", "concentration", f"许可排放浓度：{zh}", f"permit limit: {en}")
    for p, zh, en in ENUMS["pollutant"].values
    if p != "ph"
)

FIELD_ROWS: dict[str, tuple[FieldRow, ...]] = {
    "enterprise": (
        FieldRow("enterprise.id", "企业代码（字母、数字、_.-）", "enterprise id (letters, digits, _.-)", "text"),
        FieldRow("enterprise.name", "企业名称", "enterprise name", "text"),
        FieldRow("enterprise.district", "所在区", "district", "text"),
        FieldRow("enterprise.city", "所在市", "city", "text"),
        FieldRow("enterprise.province", "所在省", "province", "text"),
        FieldRow("enterprise.grid_region", "所属区域电网", "regional power grid", "enum", enum="grid_region"),
        FieldRow("enterprise.industry_code", "国民经济行业代码", "industry classification code", "text"),
        FieldRow("enterprise.staff", "职工人数", "staff", "int"),
        FieldRow("enterprise.synthetic", "合成示例数据", "synthetic example data", "bool"),
    ),
    "years": (
        FieldRow("year", "年份", "year", "int"),
        _q("output_value", "money", "工业总产值", "industrial output value"),
        FieldRow("pass_rate", "全厂产品合格率（%）", "plant-wide pass rate (%)", "percent"),
        _q("resources.fresh_water", "volume", "新鲜水用量", "fresh water"),
        _q("resources.reused_water", "volume", "重复利用水量", "reused water"),
        _q("resources.electricity", "energy", "用电量", "electricity"),
        _q("resources.electricity_wastewater_plant", "energy", "其中：废水站用电", "of which wastewater plant"),
        _q("resources.ccl_input", "area", "覆铜板投入量", "copper-clad laminate put in"),
        _q("wastewater.generated", "volume", "废水产生量", "wastewater generated"),
        _q("wastewater.discharged", "volume", "废水排放量", "wastewater discharged"),
        FieldRow("wastewater.gb21900_table", "执行标准（GB 21900 表）", "GB 21900 table", "enum", enum="gb21900_table"),
        FieldRow("wastewater.discharge_route", "废水排放去向", "discharge route", "enum", enum="discharge_route"),
        _q("copper_recovered", "mass", "铜回收量（折纯铜）", "copper recovered (as Cu)"),
        _q("copper_input.laminate", "mass", "覆铜板及压合铜箔含铜量", "copper in laminate and foil"),
        _q("copper_input.ccl_foil[0]", "area_weight", "覆铜板铜箔规格（第一面）", "laminate copper, side 1"),
        _q("copper_input.ccl_foil[1]", "area_weight", "覆铜板铜箔规格（第二面）", "laminate copper, side 2"),
        _q("copper_input.lamination_foil_area", "area", "压合用铜箔面积", "lamination foil area"),
        _q("copper_input.lamination_foil", "area_weight", "压合铜箔规格", "lamination foil copper"),
        _q("copper_input.plating", "mass", "电镀及沉铜用铜（折纯铜）", "plating copper bought (as Cu)"),
        FieldRow("wastewater.permit_limits.permit_number", "排污许可证编号", "discharge permit number", "text"),
        *_PERMIT,
    ),
    "prices": (
        FieldRow("water_cny_per_m3", "新鲜水价（含污水处理费），元/m³", "fresh water, CNY/m3", "decimal"),
        FieldRow("wastewater_treatment_cny_per_m3", "废水处理成本，元/m³", "wastewater treatment, CNY/m3", "decimal"),
        FieldRow("electricity_cny_per_kwh", "电价，元/kWh", "electricity, CNY/kWh", "decimal"),
        FieldRow("hazardous_waste_cny_per_t", "危废处置费，元/t", "hazardous-waste disposal, CNY/t", "decimal"),
        FieldRow("copper_cny_per_t", "铜价，元/t", "copper, CNY/t", "decimal"),
    ),
}


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (a quantity takes two: value and unit)."""

    key: str
    zh: str
    en: str
    kind: Kind | Literal["steps", "result"]
    qkind: str | None = None
    enum: str | None = None
    flat: tuple[str, str] | None = None  # a quantity stored as two fields of the row (value key, unit key)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Table:
    id: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    per_year: bool = True
    note_zh: str = ""
    note_en: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_YEAR = Column("year", "年份", "year", "int")
_NOTE = Column("note", "备注", "note", "text")

TABLES: dict[str, Table] = {
    t.id: t
    for t in (
        Table(
            "products",
            "产品",
            "Products",
            (
                _YEAR,
                Column("rigidity", "刚性/挠性", "rigidity", "enum", enum="rigidity"),
                Column("construction", "结构", "construction", "enum", enum="construction"),
                Column("layers", "层数", "layers", "int"),
                Column("output", "合格品产量", "qualified output", "quantity", "area"),
                Column("pass_rate", "合格率（%）", "pass rate (%)", "percent"),
                Column("output_value", "产值", "output value", "quantity", "money"),
                Column("electricity", "用电（分表）", "electricity (sub-metered)", "quantity", "energy"),
                Column("fresh_water", "新鲜水（分表）", "fresh water (sub-metered)", "quantity", "volume"),
                Column("wastewater", "废水（分表）", "wastewater (sub-metered)", "quantity", "volume"),
                Column("ccl_input", "覆铜板投入（分表）", "laminate put in (sub-metered)", "quantity", "area"),
            ),
        ),
        Table(
            "parts",
            "分车间计量",
            "By workshop",
            (
                _YEAR,
                Column("total", "所属总量", "part of", "enum", enum="total"),
                Column("name", "车间或部分", "workshop or part", "text"),
                Column("quantity", "数量", "quantity", "quantity", "part", flat=("value", "unit")),
            ),
        ),
        Table(
            "fuels",
            "燃料",
            "Fuels",
            (
                _YEAR,
                Column("fuel", "燃料", "fuel", "enum", enum="fuel"),
                Column("quantity", "用量", "quantity", "quantity", "fuel", flat=("quantity", "unit")),
                _NOTE,
            ),
        ),
        Table(
            "chemicals",
            "化学品",
            "Chemicals",
            (
                _YEAR,
                Column("name", "名称", "name", "text"),
                Column("category", "类别", "category", "enum", enum="chemical"),
                Column("quantity", "用量", "quantity", "quantity", "mass"),
                Column("voc_content", "VOCs含量（%，按MSDS）", "VOCs content (%, from the SDS)", "percent"),
                _NOTE,
            ),
        ),
        Table(
            "wastes",
            "固体废物",
            "Wastes",
            (
                _YEAR,
                Column("stream", "废物类别", "waste stream", "enum", enum="stream"),
                Column("name", "企业名称（自定义必填）", "own name (custom: required)", "text"),
                Column("hw_code", "危废代码（如 HW49 900-041-49）", "HW code (e.g. HW49 900-041-49)", "text"),
                Column("category", "类别", "category", "enum", enum="category"),
                Column("quantity", "产生量", "quantity", "quantity", "mass"),
                Column("destination", "去向", "destination", "enum", enum="destination"),
                Column("copper_t", "含铜量", "copper contained", "quantity", "mass"),
                Column(
                    "fee_cny_per_t", "处置费（元/t，负数为收入）", "fee CNY/t (negative: paid to the plant)", "decimal"
                ),
                _NOTE,
            ),
        ),
        Table(
            "outlets",
            "废水排放口",
            "Outlets",
            (
                _YEAR,
                Column("name", "排放口名称", "outlet name", "text"),
                Column("position", "位置", "position", "enum", enum="position"),
                Column("volume", "年水量", "annual volume", "quantity", "volume"),
            ),
        ),
        Table(
            "monitoring",
            "监测数据",
            "Monitoring",
            (
                _YEAR,
                Column("outlet", "排放口名称", "outlet name", "text"),
                Column("pollutant", "污染物", "pollutant", "enum", enum="pollutant"),
                Column("record", "记录", "record", "enum", enum="record"),
                Column("date", "采样日期", "sampling date", "text"),
                Column(
                    "result", "结果（如 0.3、<0.05、≤0.029、未检出）", "result (e.g. 0.3, <0.05, ≤0.029, ND)", "result"
                ),
                Column("detection_limit", "检出限", "detection limit", "decimal"),
                Column("unit", "单位", "unit", "text"),
                Column("flow", "代表水量", "flow represented", "quantity", "volume"),
                _NOTE,
            ),
            note_zh="报告值：年度的一个浓度；样品：逐次监测结果。未检出写“未检出”并填检出限。",
            note_en="reported: one value for the year; sample: each monitoring result. Not detected: write ND with the "
            "detection limit.",
        ),
        Table(
            "exhaust",
            "废气排放源",
            "Exhaust sources",
            (
                Column("name", "排气筒名称", "source name", "text"),
                Column("steps", "服务的工序（每行一个）", "steps served (one per line)", "steps"),
                *(
                    c
                    for i in range(1, 7)
                    for c in (
                        Column(f"unit_{i}", f"处理单元{i}", f"unit {i}", "enum", enum="treatment_unit"),
                        Column(f"count_{i}", f"数量{i}", f"count {i}", "int"),
                    )
                ),
                Column("dust_recovered", "粉尘回收", "dust recovered", "bool"),
                _NOTE,
            ),
            per_year=False,
        ),
        Table(
            "quotes",
            "投资报价",
            "Investment quotes",
            (
                Column("option", "方案", "option", "enum", enum="option"),
                Column("amount", "报价", "amount", "quantity", "money"),
                _NOTE,
            ),
            per_year=False,
        ),
    )
}

SHEETS: dict[str, tuple[str, str]] = {
    "readme": ("填写说明", "Instructions"),
    "enterprise": ("企业信息", "Enterprise"),
    "years": ("年度数据", "Yearly data"),
    "process": ("工序", "Process"),
    "prices": ("价格", "Prices"),
    **{t.id: (t.zh, t.en) for t in TABLES.values()},
}


# the units a quantity column offers, by kind (engine/intake/units.py; fuels and parts have their own)
UNITS_OF: dict[str, list[str]] = {
    **{kind: list(units) for kind, units in UNITS.items()},
    "fuel": ["m3", "t", "GJ"],
    "part": [*UNITS["volume"], *UNITS["energy"]],
}


def sheet_title(sheet_id: str, lang: str) -> str:
    zh, en = SHEETS[sheet_id]
    return zh if lang == "zh" else en
