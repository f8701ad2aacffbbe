"""Demo data for the guards app: security companies with one manager each, and guards posted at
residential compounds, hospitals, schools, factories and shops near the liaison points.

Like liaison_points.demo, the data is planned in memory from the seed and written with bulk
inserts, skipping what already exists by natural key (licence number, username, resident id).
Guards are attached to their nearest active point in one vectorised call before the insert."""
from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role
from guards.models import CompanyManager, Guard, SecurityCompany
from guards.services import guard_bind_user
from guards.validators import national_id_check_digit
from liaison_points.demo import (
    GUCHENG_TOWNSHIPS,
    HISTORY_REASON,
    REFERENCE_DATE,
    SCALES,
    GeographyPlan,
    PointSpec,
    TownshipSpec,
    bulk_insert_with_history,
    demo_rng,
    mobile_number,
    offset_position,
    person_name,
    street_address,
    users_ensure,
)
from liaison_points.selectors import nearest_active_point_index

# Region codes of Xiangyang (4206xx); most guards are local to Gucheng (420625).
REGION_CODES = ["420625"] * 14 + ["420602", "420606", "420607", "420624", "420626", "420682", "420683", "420684"]

COMPANY_NAMES = [
    "谷城县保安服务有限公司",
    "襄阳市平安保安服务有限公司谷城分公司",
    "谷城县银城保安服务有限公司",
    "湖北楚盾保安服务有限公司",
    "谷城县金盾安保服务有限公司",
    "襄阳卫安保安服务有限公司",
    "谷城县安泰保安服务有限公司",
    "湖北汉江保安服务有限公司",
]
_COMPANY_FIRST = "恒泰华鼎金银天中荆楚汉江"
_COMPANY_SECOND = "安盾卫信达"

_RESIDENTIAL_STEMS = "银城 汉江 滨江 阳光 锦绣 金色 幸福 和平 翰林 盛世 书香 民生 东方 丽景 鑫源 紫薇 枫林 御景 丰泽 碧水".split()
_RESIDENTIAL_SUFFIXES = "小区 花园 华府 家园 名苑 雅居 新村 佳苑".split()
_FACTORY_STEMS = "鑫源 华强 汉江 恒达 金达 盛兴 东风 宏远 新华 天成 永固 长兴".split()
_FACTORY_PRODUCTS = "汽车零部件 机械制造 纺织 建材 食品 再生资源 铸造 电池材料 包装 农产品加工".split()
_SHOP_STEMS = "好邻居 百佳 惠民 万家 新世纪 家家福 国泰 联华".split()
_SHOP_KINDS = "超市 购物广场 大药房 家电城 建材市场".split()
_COUNTY_SCHOOLS = ["第一中学", "第二中学", "实验中学", "实验小学", "城关第一小学", "城关第二小学", "实验幼儿园", "职业教育中心"]
_COUNTY_HOSPITALS = ["人民医院", "中医医院", "妇幼保健院", "第二人民医院", "疾病预防控制中心"]
_COUNTY_OFFICES = ["政务服务中心", "供电公司", "农商银行营业部", "邮政分公司", "汽车客运站", "体育馆"]
_TOWN_SCHOOLS = ["中心小学", "初级中学", "中心幼儿园", "中心学校"]
_TOWN_OFFICES = ["人民政府", "财政所", "农商银行", "邮政所", "便民服务中心"]

# (weight, kind, guards at one post: low, high)
_POST_KINDS = [
    (45, "residential", 2, 6),
    (12, "school", 1, 4),
    (7, "hospital", 3, 9),
    (15, "factory", 2, 8),
    (15, "shop", 1, 3),
    (6, "office", 1, 3),
]


@dataclass(frozen=True)
class CompanySpec:
    name: str
    licence_number: str
    address: str
    phone: str
    manager_username: str
    manager_name: str
    manager_phone: str


@dataclass(frozen=True)
class GuardSpec:
    national_id: str
    name: str
    phone: str
    company: int  # index into the company plan
    post: str
    post_address: str
    post_latitude: object
    post_longitude: object
    certificate_number: str
    certificate_status: str
    certificate_expires_on: datetime.date | None
    status: str
    joined_on: datetime.date


def company_plan(*, seed: int, scale: str) -> list[CompanySpec]:
    """Companies and their managers. Names and licence numbers depend only on the position in the
    list (they are the natural keys); managers' names and phones on the seed."""
    rng = demo_rng(seed, "companies")
    names = list(COMPANY_NAMES)
    for a in _COMPANY_FIRST:
        for b in _COMPANY_SECOND:
            if f"湖北{a}{b}保安服务有限公司" not in names:
                names.append(f"湖北{a}{b}保安服务有限公司")
    specs = []
    for i in range(SCALES[scale].companies):
        specs.append(CompanySpec(
            name=names[i] if i < len(names) else f"湖北第{i + 1}保安服务有限公司",
            licence_number=f"鄂公保服许字〔{2008 + (i * 5) % 16}〕第{i + 101:04d}号",
            address=f"湖北省襄阳市谷城县{['中华路', '银城大道', '东环路', '县府街'][i % 4]}{20 + i * 3}号",
            phone=f"0710-73{(i * 4241 + 1207) % 100000:05d}",
            manager_username="manager" if i == 0 else f"manager{i + 1:02d}",
            manager_name=person_name(rng, female=rng.random() < 0.3),
            manager_phone=mobile_number(rng),
        ))
    return specs


def _unique(name: str, taken: set[str], variants: list[str]) -> str:
    candidates = itertools.chain([name], (name + v for v in variants), (f"{name}{k}号" for k in itertools.count(2)))
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def _post_name(rng: random.Random, kind: str, township: TownshipSpec, taken: set[str]) -> str:
    in_gucheng = township.county.endswith("谷城县")
    seat = in_gucheng and township.short in ("城关", "经济开发区")
    county = "谷城县" if in_gucheng else township.short
    local = "" if seat else township.short
    if kind == "residential":
        name = f"{local}{rng.choice(_RESIDENTIAL_STEMS)}{rng.choice(_RESIDENTIAL_SUFFIXES)}"
        return _unique(name, taken, ["二期", "三期", "东区", "西区"])
    if kind == "school":
        name = county + rng.choice(_COUNTY_SCHOOLS) if seat else township.name + rng.choice(_TOWN_SCHOOLS)
    elif kind == "hospital":
        name = county + rng.choice(_COUNTY_HOSPITALS) if seat else f"{township.name}卫生院"
    elif kind == "factory":
        name = f"{county[:2]}{rng.choice(_FACTORY_STEMS)}{rng.choice(_FACTORY_PRODUCTS)}有限公司"
    elif kind == "shop":
        name = f"{local}{rng.choice(_SHOP_STEMS)}{rng.choice(_SHOP_KINDS)}"
    else:
        name = county + rng.choice(_COUNTY_OFFICES) if seat else township.name + rng.choice(_TOWN_OFFICES)
    return _unique(name, taken, ["东院", "西院", "南院", "北院"])


def _national_id(rng: random.Random, *, female: bool, taken: set[str]) -> str:
    while True:
        age_years = rng.triangular(21, 60, 47)
        born = REFERENCE_DATE - datetime.timedelta(days=int(age_years * 365.25))
        order = rng.randrange(500) * 2 + (0 if female else 1)  # odd for men, even for women
        first17 = f"{rng.choice(REGION_CODES)}{born:%Y%m%d}{order:03d}"
        value = first17 + national_id_check_digit(first17)
        if value not in taken:
            taken.add(value)
            return value


def _certificate(rng: random.Random, serial: int, today: datetime.date) -> tuple[str, str, datetime.date | None]:
    """A realistic mix: most valid, some expiring within 30 days, some expired, a few revoked or
    not yet certified."""
    roll = rng.random()
    if roll < 0.06:
        return "", Guard.CertificateStatus.NONE, None
    if roll < 0.075:
        expires = today + datetime.timedelta(days=rng.randint(-200, 400))
        status = Guard.CertificateStatus.REVOKED
    elif roll < 0.155:
        expires, status = today - datetime.timedelta(days=rng.randint(1, 365)), Guard.CertificateStatus.VALID
    elif roll < 0.225:
        expires, status = today + datetime.timedelta(days=rng.randint(0, 30)), Guard.CertificateStatus.VALID
    else:
        expires, status = today + datetime.timedelta(days=rng.randint(31, 3 * 365)), Guard.CertificateStatus.VALID
    return f"鄂保{expires.year - 3}{serial:06d}", status, expires


def guard_plan(*, seed: int, scale: str, geography: GeographyPlan, companies: int) -> list[GuardSpec]:
    """Posts placed around the liaison points, each contracted to one company, each with a few
    guards. The same seed gives the same guards (names, resident ids, posts)."""
    rng = demo_rng(seed, "guards")
    today = timezone.localdate()
    total = SCALES[scale].guards
    seat_codes = {t.code for t in GUCHENG_TOWNSHIPS if t.short in ("城关", "经济开发区")}
    points: list[PointSpec] = geography.points
    point_weights = [(3 if p.kind == "central" else 2) * (2 if p.township_code in seat_codes else 1) for p in points]
    company_weights = [3.0] + [rng.uniform(0.5, 1.5) for _ in range(companies - 1)]
    kind_weights = [k[0] for k in _POST_KINDS]

    names_taken: set[str] = set()
    ids_taken: set[str] = set()
    phones_taken: set[str] = set()
    guards: list[GuardSpec] = []
    while len(guards) < total:
        point = rng.choices(points, weights=point_weights)[0]
        township = geography.township(point.township_code)
        _w, kind, low, high = rng.choices(_POST_KINDS, weights=kind_weights)[0]
        near = (100, 1500) if point.township_code in seat_codes else (150, 2500)
        lat, lng = offset_position(rng, float(point.latitude), float(point.longitude), min_m=near[0], max_m=near[1])
        post = _post_name(rng, kind, township, names_taken)
        post_address = street_address(rng, township)
        company = rng.choices(range(companies), weights=company_weights)[0]
        for _ in range(min(rng.randint(low, high), total - len(guards))):
            female = rng.random() < 0.12
            name = person_name(rng, female=female)
            national_id = _national_id(rng, female=female, taken=ids_taken)
            number, cert_status, expires = _certificate(rng, len(guards) + 1, today)
            guards.append(GuardSpec(
                national_id=national_id, name=name, phone=mobile_number(rng, phones_taken), company=company,
                post=post, post_address=post_address, post_latitude=lat, post_longitude=lng,
                certificate_number=number, certificate_status=cert_status, certificate_expires_on=expires,
                status=Guard.Status.SUSPENDED if rng.random() < 0.025 else Guard.Status.ACTIVE,
                joined_on=REFERENCE_DATE - datetime.timedelta(days=rng.randint(20, 3000)),
            ))
    return guards


def demo_guard_spec(plan: list[GuardSpec]) -> GuardSpec:
    """The guard the `guard` demo account signs in as: active, certified, of the first company."""
    today = timezone.localdate()
    for spec in plan:
        if (spec.company == 0 and spec.status == Guard.Status.ACTIVE and spec.certificate_expires_on
                and spec.certificate_status == Guard.CertificateStatus.VALID
                and spec.certificate_expires_on > today + datetime.timedelta(days=30)):
            return spec
    return plan[0]


# --- Writing it ------------------------------------------------------------------------------------

def _companies_ensure(plan: list[CompanySpec]) -> tuple[list[SecurityCompany], int]:
    existing = list(SecurityCompany.objects.all())
    by_licence = {c.licence_number: c for c in existing if c.licence_number}
    by_name = {c.name: c for c in existing}
    result, new = [], []
    for spec in plan:
        company = by_licence.get(spec.licence_number) or by_name.get(spec.name)
        if company is None:
            company = SecurityCompany(name=spec.name, licence_number=spec.licence_number, address=spec.address, phone=spec.phone)
            new.append(company)
        result.append(company)
    bulk_create_with_history(new, SecurityCompany, default_change_reason=HISTORY_REASON)
    return result, len(new)


def _managers_ensure(plan: list[CompanySpec], companies: list[SecurityCompany], password_hash: Callable[[], str]) -> tuple[int, int]:
    rows = [{"username": s.manager_username, "name": s.manager_name, "role": Role.MANAGER} for s in plan]
    users, users_created = users_ensure(rows, password_hash=password_hash)
    bound = set(CompanyManager.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    new = [
        CompanyManager(user=users[spec.manager_username], company=company, phone=spec.manager_phone)
        for spec, company in zip(plan, companies)
        if users[spec.manager_username].pk not in bound and users[spec.manager_username].role == Role.MANAGER
    ]
    CompanyManager.objects.bulk_create(new)
    return users_created, len(new)


def _guards_ensure(plan: list[GuardSpec], companies: list[SecurityCompany]) -> int:
    existing = set(Guard.objects.values_list("national_id", flat=True))
    specs = [s for s in plan if s.national_id not in existing]
    if not specs:
        return 0
    nearest = nearest_active_point_index().nearest_many([(s.post_latitude, s.post_longitude) for s in specs])
    new = [
        Guard(
            company=companies[s.company], name=s.name, phone=s.phone, national_id=s.national_id, post=s.post,
            post_address=s.post_address, post_latitude=s.post_latitude, post_longitude=s.post_longitude,
            liaison_point_id=point_id, certificate_number=s.certificate_number,
            certificate_status=s.certificate_status, certificate_expires_on=s.certificate_expires_on,
            status=s.status, joined_on=s.joined_on,
        )
        for s, point_id in zip(specs, nearest)
    ]
    bulk_insert_with_history(new, Guard, key="national_id")
    return len(new)


def _guard_account_ensure(spec: GuardSpec, password_hash: Callable[[], str]) -> int:
    users, created = users_ensure([{"username": "guard", "name": spec.name, "role": Role.GUARD}], password_hash=password_hash)
    user = users["guard"]
    if user.role != Role.GUARD or Guard.objects.filter(user=user).exists():
        return created
    guard = Guard.objects.filter(national_id=spec.national_id, user__isnull=True).first()
    if guard is not None:
        guard_bind_user(guard=guard, user=user)
    return created


def seed_guards(*, seed: int, scale: str, geography: GeographyPlan, password_hash: Callable[[], str]) -> dict[str, int]:
    """Companies, their managers (`manager` manages the first), guards attached to their nearest
    active point, and the `guard` demo account. Returns how many rows of each kind were created."""
    companies_plan = company_plan(seed=seed, scale=scale)
    companies, n_companies = _companies_ensure(companies_plan)
    n_manager_users, n_managers = _managers_ensure(companies_plan, companies, password_hash)
    guards_plan = guard_plan(seed=seed, scale=scale, geography=geography, companies=len(companies))
    n_guards = _guards_ensure(guards_plan, companies)
    n_guard_users = _guard_account_ensure(demo_guard_spec(guards_plan), password_hash)
    return {
        "security companies": n_companies, "manager accounts": n_manager_users, "company managers": n_managers,
        "guards": n_guards, "guard accounts": n_guard_users,
    }


# --- Units (issue 13): responsible leaders, and employers that hire their own guards -------------

SELF_EMPLOYING_KEYWORDS = ("医院", "中学", "小学", "厂")


def seed_units(*, seed: int) -> dict[str, int]:
    """Name every unit's responsible leader, and turn the guards of up to three large posts (a
    hospital, a school, a factory) into self-employing units (社会自招聘保安单位, no licence) that
    employ them. Runs once: nothing happens when a self-employing unit exists."""
    if SecurityCompany.objects.filter(kind=SecurityCompany.Kind.SELF_EMPLOYING).exists():
        return {}
    rng = demo_rng(seed, "units")
    leaders = []
    for company in SecurityCompany.objects.filter(responsible_leader="").order_by("pk"):
        company.responsible_leader = person_name(rng, female=rng.random() < 0.25)
        company.responsible_leader_phone = mobile_number(rng)
        leaders.append(company)
    SecurityCompany.objects.bulk_update(leaders, ["responsible_leader", "responsible_leader_phone"])
    from django.db.models import Count

    posts = list(
        Guard.objects.filter(status=Guard.Status.ACTIVE).exclude(company_id=SecurityCompany.objects.order_by("pk").values("pk")[:1])
        .values("post").annotate(n=Count("id")).filter(n__gte=3).order_by("-n", "post")
    )
    units = 0
    for keyword in SELF_EMPLOYING_KEYWORDS:
        post = next((p["post"] for p in posts if keyword in p["post"]), None)
        if post is None or SecurityCompany.objects.filter(name=post).exists():
            continue
        unit = SecurityCompany.objects.create(
            name=post, kind=SecurityCompany.Kind.SELF_EMPLOYING, licence_number=None,
            responsible_leader=person_name(rng, female=rng.random() < 0.3), responsible_leader_phone=mobile_number(rng),
        )
        Guard.objects.filter(post=post).update(company=unit)
        units += 1
    return {"self-employing units": units, "unit leaders named": len(leaders)}
