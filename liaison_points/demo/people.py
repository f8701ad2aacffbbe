"""People of the demo data: Chinese names, mobile numbers, and sign-in accounts created in bulk
with the one demo password."""
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User

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


def person_name(rng: random.Random, *, female: bool = False) -> str:
    return rng.choice(SURNAMES) + rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)


def mobile_number(rng: random.Random, taken: set[str] | None = None) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if taken is None or number not in taken:
            if taken is not None:
                taken.add(number)
            return number


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
