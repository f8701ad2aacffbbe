"""Demo data for the liaison_points app: a county modelled on Gucheng county, Hubei (DESIGN.md §1).

Everything is planned in memory first, deterministically from the seed, then written with bulk
inserts, skipping rows whose natural key already exists (township code, station name, zone name,
username, point code). Running the seed twice therefore creates nothing the second time.

The layout of the county (townships, stations, point codes and names, usernames, badges) does not
depend on the seed; positions and people's names do. `--scale province` keeps the eleven Gucheng
townships and adds generated ones across Hubei, for load tests."""
from __future__ import annotations

import datetime
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone

HISTORY_REASON = "demo data"
# Births, join dates and opening dates are drawn relative to this fixed day, so that a seed gives
# the same people (and the same resident ids) whatever day it runs.
REFERENCE_DATE = datetime.date(2024, 6, 30)
_SIX_PLACES = Decimal("0.000001")


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

SURNAMES = (
    "王王王李李李张张张刘刘刘陈陈杨杨黄黄胡胡周周吴吴徐徐汪余赵孙马朱郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃向汤柯"
)
MALE_GIVEN = (
    "伟 强 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 波 林 峰 磊 兵 俊 鑫 浩 宇 亮 健 斌 毅 勤 "
    "建国 建华 建军 志强 志刚 国强 国华 海军 红兵 文华 德明 新民 长青 卫东 春生 永红 利民 家俊 子豪 浩然 "
    "俊杰 明轩 天佑 国庆 小龙 大勇 志勇 学军 德华 爱国 振华 继东 少华 宏伟 金海 世杰"
).split()
FEMALE_GIVEN = (
    "芳 娟 敏 静 丽 艳 霞 燕 玲 萍 红 梅 琴 英 慧 "
    "秀英 桂兰 玉兰 淑珍 丽娟 春梅 海燕 小红 晓燕 雪梅 文静 美玲 金凤 玉华 凤英 秀兰 佳怡 欣怡"
).split()
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "177", "180", "181", "182", "183", "186", "187", "188", "189", "199"]


# --- Small helpers shared with guards.demo ---------------------------------------------------------

def demo_rng(seed: int, stream: str) -> random.Random:
    """An independent random stream per builder, so that one builder drawing more numbers never
    shifts what another draws (string seeds are hashed with SHA-512: stable across runs)."""
    return random.Random(f"{seed}:{stream}")


def person_name(rng: random.Random, *, female: bool = False) -> str:
    return rng.choice(SURNAMES) + rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)


def mobile_number(rng: random.Random, taken: set[str] | None = None) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if taken is None or number not in taken:
            if taken is not None:
                taken.add(number)
            return number


def coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}").quantize(_SIX_PLACES)


def offset_position(rng: random.Random, lat: float, lng: float, *, min_m: float, max_m: float) -> tuple[Decimal, Decimal]:
    """A position between min_m and max_m metres from (lat, lng) in a random direction."""
    distance = rng.uniform(min_m, max_m)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlng = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return coordinate(lat + dlat), coordinate(lng + dlng)


def demo_password_hash() -> str:
    """The demo password, checked against the project's validators and hashed. Callers hash it
    once per run (functools.cache) and every demo account shares the hash: hashing is deliberately
    slow, the seed must not be."""
    validate_password(DEMO_PASSWORD)
    return make_password(DEMO_PASSWORD)


def users_ensure(rows: list[dict], *, password_hash: Callable[[], str]) -> tuple[dict[str, User], int]:
    """Get-or-create users by username in one bulk insert. Existing users are left untouched.
    `password_hash` is called only when a user is created. Returns ({username: user} for every
    row, number created)."""
    found = User.objects.in_bulk([row["username"] for row in rows], field_name="username")
    new = []
    for row in rows:
        if row["username"] in found:
            continue
        is_admin = row["role"] == Role.ADMIN
        # Demo addresses under .example (reserved, never delivered) so the bulletin has recipients.
        row = {"email": f"{row['username']}@demo.gucheng.example", **row}
        user = User(password=password_hash(), is_staff=is_admin, is_superuser=is_admin, **row)
        new.append(user)
        found[user.username] = user
    User.objects.bulk_create(new)
    return found, len(new)


def _adapter(field):
    """How to turn a Python value of `field` into what the database driver expects."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if kind in ("CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField", "ForeignKey",
                "OneToOneField", "PositiveIntegerField", "SmallIntegerField", "PositiveSmallIntegerField"):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _executemany(model, fields, rows_of_values, batch_size: int) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows_of_values), batch_size):
            cursor.executemany(sql, rows_of_values[start:start + batch_size])


def _db_rows(fields, objs, values_for=None) -> list[tuple]:
    adapters = [(f.attname, _adapter(f)) for f in fields]
    rows = []
    for obj in objs:
        row = []
        for attname, adapt in adapters:
            value = values_for(obj, attname) if values_for else getattr(obj, attname)
            row.append(adapt(value) if adapt is not None and value is not None else value)
        rows.append(tuple(row))
    return rows


def bulk_insert_with_history(objs: list, model, *, key: str, reason: str = HISTORY_REASON, batch_size: int = 5000) -> None:
    """Insert many new rows of `model`, and a "created" history row for each, with executemany.

    bulk_create prepares every value through the field machinery and, on SQLite, sends fewer than
    50 rows a statement; for 50,000 guards that was most of the seed's time. Here values are
    adapted once per field type (connection.ops, so PostgreSQL works too), and the new ids are read
    back through the unique natural key `key` (the objects get their pk set)."""
    if not objs:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    _executemany(model, fields, _db_rows(fields, objs), batch_size)
    wanted = {getattr(obj, key) for obj in objs}
    ids = {k: pk for k, pk in model._default_manager.values_list(key, "pk").iterator(chunk_size=10_000) if k in wanted}
    for obj in objs:
        obj.pk = ids[getattr(obj, key)]

    history_model = model.history.model
    special = {"history_date": now, "history_type": "+", "history_change_reason": reason, "history_user_id": None}
    history_fields = [f for f in history_model._meta.concrete_fields if not f.primary_key]

    def value(obj, attname):
        return special[attname] if attname in special else getattr(obj, attname, None)

    _executemany(history_model, history_fields, _db_rows(history_fields, objs, value), batch_size)


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


# --- Writing it ------------------------------------------------------------------------------------

def _station_name(township: TownshipSpec) -> str:
    if township.county.endswith("谷城县"):
        return f"谷城县公安局{township.short}派出所"
    return f"{township.name}派出所"


def _zone_area(townships: list[TownshipSpec]) -> dict | None:
    import shapely
    from shapely.geometry import MultiPoint

    if not townships:
        return None
    hull = MultiPoint([(t.longitude, t.latitude) for t in townships]).convex_hull
    area = hull.buffer(max(t.spread for t in townships) * 3, quad_segs=4).simplify(0.001)
    return json.loads(shapely.to_geojson(shapely.set_precision(area, 0.000001)))


def _townships_ensure(plan: GeographyPlan) -> tuple[dict[str, Township], int]:
    by_code = {t.code: t for t in Township.objects.all()}
    by_name = {t.name: t for t in by_code.values()}
    new = []
    for spec in plan.townships:
        if spec.code in by_code:
            continue
        if spec.name in by_name:  # entered by hand under another code: use it
            by_code[spec.code] = by_name[spec.name]
            continue
        row = Township(code=spec.code, name=spec.name)
        new.append(row)
        by_code[spec.code] = by_name[spec.name] = row
    Township.objects.bulk_create(new)
    return by_code, len(new)


def _zones_ensure(plan: GeographyPlan) -> tuple[dict[str, Zone], int]:
    existing = {z.name: z for z in Zone.objects.all()}
    new = []
    for name, description in ZONES:
        if name in existing:
            continue
        members = [t for t in plan.townships if t.zone == name]
        zone = Zone(name=name, description=description, area=_zone_area(members))
        new.append(zone)
        existing[name] = zone
    Zone.objects.bulk_create(new)
    return existing, len(new)


def _stations_ensure(plan: GeographyPlan, townships: dict[str, Township]) -> tuple[dict[str, PoliceStation], int]:
    """One police station per township; returns {township code: station}."""
    existing = {s.name: s for s in PoliceStation.objects.all()}
    result, new = {}, []
    for i, spec in enumerate(plan.townships):
        name = _station_name(spec)
        station = existing.get(name)
        if station is None:
            station = PoliceStation(
                name=name, township=townships[spec.code],
                address=f"{spec.county}{spec.name}{'人民路' if i % 2 else '建设路'}{10 + i % 80}号",
                phone=f"0710-72{(i * 7919) % 100000:05d}",
            )
            new.append(station)
        result[spec.code] = station
    PoliceStation.objects.bulk_create(new)
    return result, len(new)


def _officers_ensure(
    plan: GeographyPlan, stations: dict[str, PoliceStation], password_hash: Callable[[], str]
) -> tuple[list[Officer], int, int]:
    rows = [{"username": "admin", "name": "系统管理员", "role": Role.ADMIN}]
    rows += [{"username": o["username"], "name": o["name"], "role": Role.OFFICER} for o in plan.officers]
    users, users_created = users_ensure(rows, password_hash=password_hash)

    officer_users = [users[o["username"]] for o in plan.officers]
    profiles = {p.user_id: p for p in Officer.objects.filter(user__in=officer_users).select_related("station")}
    taken_badges = set(Officer.objects.exclude(badge_number=None).values_list("badge_number", flat=True))
    new = []
    for spec, user in zip(plan.officers, officer_users):
        if user.pk in profiles or user.role != Role.OFFICER:
            continue
        badge = spec["badge_number"] if spec["badge_number"] not in taken_badges else None
        profile = Officer(user=user, station=stations[spec["township_code"]], badge_number=badge, phone=spec["phone"])
        new.append(profile)
        profiles[user.pk] = profile
    Officer.objects.bulk_create(new)
    officers = [profiles[u.pk] for u in officer_users if u.pk in profiles]
    return officers, users_created, len(new)


def _points_ensure(plan: GeographyPlan, townships, zones, stations, officers: list[Officer]) -> int:
    existing = set(LiaisonPoint.objects.filter(code__in=[p.code for p in plan.points]).values_list("code", flat=True))
    by_township: dict[int, list[Officer]] = {}
    for officer in officers:
        by_township.setdefault(officer.station.township_id if officer.station else None, []).append(officer)
    new = []
    for i, spec in enumerate(plan.points):
        if spec.code in existing:
            continue
        township = townships[spec.township_code]
        local = by_township.get(township.pk) or officers
        officer = local[i % len(local)] if local else None
        new.append(LiaisonPoint(
            code=spec.code, name=spec.name, kind=spec.kind, township=township,
            zone=zones[plan.township(spec.township_code).zone], station=stations[spec.township_code],
            responsible_officer=officer, address=spec.address, latitude=spec.latitude, longitude=spec.longitude,
            opened_on=spec.opened_on, active=True,
        ))
    bulk_create_with_history(new, LiaisonPoint, batch_size=500, default_change_reason=HISTORY_REASON)
    return len(new)


def seed_liaison_points(*, seed: int, scale: str, password_hash: Callable[[], str]) -> tuple[GeographyPlan, dict[str, int]]:
    """Townships, zones, a station per township, officers (plus the `admin` and `officer` demo
    accounts) and liaison points. Returns the plan and how many rows of each kind were created."""
    plan = geography_plan(seed=seed, scale=scale)
    townships, n_townships = _townships_ensure(plan)
    zones, n_zones = _zones_ensure(plan)
    stations, n_stations = _stations_ensure(plan, townships)
    officers, n_users, n_officers = _officers_ensure(plan, stations, password_hash)
    n_points = _points_ensure(plan, townships, zones, stations, officers)
    return plan, {
        "townships": n_townships, "zones": n_zones, "police stations": n_stations,
        "officer accounts": n_users, "officers": n_officers, "liaison points": n_points,
    }
