"""The county as plain data, planned in memory from the seed: townships, zones, liaison points and
the officers who run them. Nothing here writes; liaison_points.demo.seed does."""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from liaison_points.demo.common import REFERENCE_DATE, coordinate, demo_rng, offset_position
from liaison_points.demo.people import mobile_number, person_name
from liaison_points.models import LiaisonPoint


@dataclass(frozen=True)
class Scale:
    extra_townships: int  # generated townships on top of the eleven Gucheng ones
    points: int
    officers: int
    companies: int
    guards: int


SCALES = {
    "county": Scale(extra_townships=0, points=30, officers=8, companies=8, guards=700),
    "province": Scale(extra_townships=189, points=2000, officers=200, companies=60, guards=50_000),
}


# --- The county -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TownshipSpec:
    code: str
    name: str
    short: str  # as used in station and point names: 城关镇 → 城关
    latitude: float
    longitude: float
    zone: str
    spread: float = 0.015  # degrees around the centre where its points lie
    county: str = "湖北省襄阳市谷城县"


ZONES = [
    ("中区", "县城及经济开发区：中心警务室、医院、学校、商圈"),
    ("东区", "汉江沿线东部乡镇：盛康、茨河"),
    ("西区", "西部山区乡镇：紫金、赵湾"),
    ("南区", "南部乡镇：庙滩、南河"),
    ("北区", "北部乡镇：石花、五山、冷集"),
]

# Gucheng county (谷城县, region code 420625): nine towns, one township and the provincial economic
# development zone. Codes follow the statistical division codes; centres are approximate.
GUCHENG_TOWNSHIPS = [
    TownshipSpec("420625100", "城关镇", "城关", 32.2660, 111.6340, "中区", spread=0.012),
    TownshipSpec("420625101", "石花镇", "石花", 32.3400, 111.4870, "北区"),
    TownshipSpec("420625102", "盛康镇", "盛康", 32.2070, 111.7570, "东区"),
    TownshipSpec("420625103", "庙滩镇", "庙滩", 32.1620, 111.5600, "南区"),
    TownshipSpec("420625104", "五山镇", "五山", 32.4050, 111.4300, "北区"),
    TownshipSpec("420625105", "茨河镇", "茨河", 32.1450, 111.8400, "东区"),
    TownshipSpec("420625106", "南河镇", "南河", 32.0800, 111.4200, "南区"),
    TownshipSpec("420625107", "紫金镇", "紫金", 32.2200, 111.3300, "西区"),
    TownshipSpec("420625108", "冷集镇", "冷集", 32.3720, 111.7000, "北区"),
    TownshipSpec("420625200", "赵湾乡", "赵湾", 31.9950, 111.3000, "西区"),
    TownshipSpec("420625400", "经济开发区", "经济开发区", 32.2920, 111.6720, "中区", spread=0.012),
]

# The 30 Gucheng liaison points: (township code, kind, name). The first is the central office.
_C, _P, _U = LiaisonPoint.Kind.CENTRAL, LiaisonPoint.Kind.PATROL_POST, LiaisonPoint.Kind.KEY_UNIT
GUCHENG_POINTS = [
    ("420625100", _C, "谷城县公安局警保联勤中心"),
    ("420625100", _P, "城关镇县府街警保联勤巡防站"),
    ("420625100", _U, "谷城县人民医院警保联勤点"),
    ("420625100", _U, "谷城县第一中学警保联勤点"),
    ("420625100", _U, "城关农贸市场警保联勤点"),
    ("420625100", _U, "谷城县中医医院警保联勤点"),
    ("420625100", _P, "城关镇东环路警保联勤巡防站"),
    ("420625100", _U, "谷城县汽车客运站警保联勤点"),
    ("420625400", _P, "经济开发区警保联勤巡防站"),
    ("420625400", _U, "开发区工业园警保联勤点"),
    ("420625400", _U, "谷城县职业教育中心警保联勤点"),
    ("420625101", _P, "石花镇警保联勤巡防站"),
    ("420625101", _U, "石花镇中心卫生院警保联勤点"),
    ("420625101", _U, "石花镇农贸市场警保联勤点"),
    ("420625102", _P, "盛康镇警保联勤巡防站"),
    ("420625102", _U, "盛康镇中心学校警保联勤点"),
    ("420625103", _P, "庙滩镇警保联勤巡防站"),
    ("420625103", _U, "庙滩镇卫生院警保联勤点"),
    ("420625104", _P, "五山镇警保联勤巡防站"),
    ("420625104", _U, "五山镇集贸市场警保联勤点"),
    ("420625105", _P, "茨河镇警保联勤巡防站"),
    ("420625105", _U, "茨河镇中心学校警保联勤点"),
    ("420625106", _P, "南河镇警保联勤巡防站"),
    ("420625106", _U, "南河镇卫生院警保联勤点"),
    ("420625107", _P, "紫金镇警保联勤巡防站"),
    ("420625107", _U, "紫金镇农贸市场警保联勤点"),
    ("420625108", _P, "冷集镇警保联勤巡防站"),
    ("420625108", _U, "冷集镇中心学校警保联勤点"),
    ("420625200", _P, "赵湾乡警保联勤巡防站"),
    ("420625200", _U, "赵湾乡卫生院警保联勤点"),
]
CENTRAL_OFFICE_POSITION = (32.266000, 111.634000)  # the county seat

COUNTY_STREETS = ["中华路", "县府街", "东环路", "银城大道", "北河路", "南河路", "太平街", "解放路", "江滨路", "粉水路"]
TOWN_STREETS = ["正街", "新街", "老街", "建设路", "人民路", "工业路", "学府路", "集镇大道"]


# --- The plan --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PointSpec:
    code: str
    name: str
    kind: str
    township_code: str
    latitude: Decimal
    longitude: Decimal
    address: str
    opened_on: datetime.date


@dataclass
class GeographyPlan:
    townships: list[TownshipSpec]
    points: list[PointSpec]
    officers: list[dict] = field(default_factory=list)  # username, name, station township code, badge, phone

    def township(self, code: str) -> TownshipSpec:
        return self._by_code[code]

    def __post_init__(self):
        self._by_code = {t.code: t for t in self.townships}


_GEN_FIRST = "东西南北新安平长永太龙凤金银青白黄石马双"
_GEN_SECOND = "河山湖桥店集岭港口坪冲湾畈铺"
# Hubei, roughly, where the generated townships of the province scale lie.
_PROVINCE_BOX = (29.6, 32.9, 109.5, 115.8)
_PROVINCE_CENTRE = (31.2, 112.6)


def _zone_for(lat: float, lng: float) -> str:
    dlat, dlng = lat - _PROVINCE_CENTRE[0], lng - _PROVINCE_CENTRE[1]
    if abs(dlat) < 0.5 and abs(dlng) < 0.6:
        return "中区"
    if abs(dlng) >= abs(dlat):
        return "东区" if dlng > 0 else "西区"
    return "北区" if dlat > 0 else "南区"


def _generated_townships(rng: random.Random, count: int) -> list[TownshipSpec]:
    reserved = {t.short for t in GUCHENG_TOWNSHIPS}
    names = [a + b for a in _GEN_FIRST for b in _GEN_SECOND if a + b not in reserved]
    result = []
    lat_lo, lat_hi, lng_lo, lng_hi = _PROVINCE_BOX
    for i in range(count):
        lat, lng = rng.uniform(lat_lo, lat_hi), rng.uniform(lng_lo, lng_hi)
        short = names[i % len(names)] + ("" if i < len(names) else str(i // len(names) + 1))
        result.append(TownshipSpec(
            f"42{9000000 + i:07d}", f"{short}镇", short, lat, lng, _zone_for(lat, lng),
            spread=0.04, county="湖北省",
        ))
    return result


def street_address(rng: random.Random, township: TownshipSpec) -> str:
    streets = COUNTY_STREETS if township.short in ("城关", "经济开发区") else TOWN_STREETS
    return f"{township.county}{township.name}{rng.choice(streets)}{rng.randint(1, 299)}号"


def _opened_on(rng: random.Random) -> datetime.date:
    return REFERENCE_DATE - datetime.timedelta(days=rng.randint(30, 720))


def geography_plan(*, seed: int, scale: str) -> GeographyPlan:
    """Everything this module seeds, as plain data; the same seed gives the same plan."""
    size = SCALES[scale]
    rng = demo_rng(seed, "geography")
    townships = list(GUCHENG_TOWNSHIPS) + _generated_townships(rng, size.extra_townships)
    by_code = {t.code: t for t in townships}

    specs = list(GUCHENG_POINTS)
    extra = size.points - len(specs)
    generated = townships[len(GUCHENG_TOWNSHIPS):]
    suffixes = [(_P, "警保联勤巡防站"), (_U, "中心卫生院警保联勤点"), (_U, "中心学校警保联勤点"), (_U, "农贸市场警保联勤点")]
    for i in range(max(extra, 0)):
        township = generated[i % len(generated)]
        n = i // len(generated)
        kind, suffix = suffixes[n % len(suffixes)]
        name = f"{township.name}{suffix}" + (f"{n // len(suffixes) + 1}" if n >= len(suffixes) else "")
        specs.append((township.code, kind, name))

    prefix, width = ("GC", 3) if scale == "county" else ("HB", 4)
    points = []
    for i, (township_code, kind, name) in enumerate(specs[: size.points]):
        township = by_code[township_code]
        if i == 0:
            lat, lng = (coordinate(v) for v in CENTRAL_OFFICE_POSITION)
        else:
            reach = township.spread * 111_320
            lat, lng = offset_position(rng, township.latitude, township.longitude, min_m=reach * 0.1, max_m=reach)
        points.append(PointSpec(
            code=f"{prefix}{i + 1:0{width}d}", name=name, kind=kind, township_code=township_code,
            latitude=lat, longitude=lng, address=street_address(rng, township), opened_on=_opened_on(rng),
        ))

    officers = []
    for i in range(size.officers):
        township = townships[0] if i < 2 else townships[(i - 1) % len(townships)]
        officers.append({
            "username": "officer" if i == 0 else f"officer{i + 1:02d}",
            "name": person_name(rng, female=rng.random() < 0.2),
            "township_code": township.code,
            "badge_number": f"{62500 + i + 1:06d}",
            "phone": mobile_number(rng),
        })
    return GeographyPlan(townships=townships, points=points, officers=officers)
