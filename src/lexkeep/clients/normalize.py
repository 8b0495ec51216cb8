"""Name normalisation for conflict checks and search (利益冲突检索).

Two spellings of one party must meet: full-width and half-width characters are
folded, case and punctuation ignored, company-form suffixes
(有限公司, 有限责任公司, 股份有限公司, Co., Ltd. …) and leading place names
(北京市, 广东省深圳市, 上海 …) stripped.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Longest first, so 股份有限公司 is stripped before 有限公司.
_SUFFIXES = sorted(
    {
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "集团股份有限公司",
        "有限公司",
        "集团公司",
        "分公司",
        "总公司",
        "公司",
        "集团",
        "合伙企业(有限合伙)",
        "合伙企业(普通合伙)",
        "合伙企业",
        "有限合伙",
        "事务所",
        "coltd",
        "companylimited",
        "limited",
        "ltd",
        "inc",
        "llc",
        "corp",
        "corporation",
        "co",
        "group",
        "plc",
        "gmbh",
        "ag",
        "sa",
    },
    key=len,
    reverse=True,
)

_PROVINCES = (
    "北京|上海|天津|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|"
    "河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西壮族|"
    "广西|西藏|宁夏回族|宁夏|新疆维吾尔|新疆|香港|澳门"
)
_CITIES = (
    "深圳|广州|杭州|南京|苏州|成都|武汉|西安|郑州|长沙|青岛|宁波|厦门|大连|沈阳|"
    "济南|合肥|福州|昆明|南宁|哈尔滨|长春|石家庄|太原|南昌|贵阳|兰州|海口|无锡|"
    "东莞|佛山|珠海|温州|常州|烟台|徐州|绍兴|嘉兴|台州|泉州|惠州"
)
# A leading place with its administrative suffix (北京市, 广东省, 海淀区) …
_PLACE_WITH_SUFFIX = re.compile(
    rf"^(?:{_PROVINCES}|{_CITIES}|[\u4e00-\u9fff]{{2,4}}?)"
    r"(?:省|市|自治区|特别行政区|区|县)"
)
# … or a bare known place (上海…), stripped only if a real name remains.
_BARE_PLACE = re.compile(rf"^(?:{_PROVINCES}|{_CITIES})")
# A place in brackets anywhere: 腾讯科技（深圳）有限公司.
_BRACKETED_PLACE = re.compile(rf"[(（](?:{_PROVINCES}|{_CITIES})(?:省|市)?[)）]")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Return ``text`` with full-width folded to half-width, lower-cased."""
    return unicodedata.normalize("NFKC", text or "").lower()


def normalize_name(name: str, *, strip_places: bool = True) -> str:
    """Return the comparable core of a party's name.

    Place prefixes are stripped only while a real name remains: 北京市星河科技
    becomes 星河科技, but 北京银行 stays 北京银行. Government bodies keep
    their place (``strip_places=False``): 上海市人民政府 is not 北京市人民政府.
    """
    text = _BRACKETED_PLACE.sub("", fold(name))
    text = _NOISE.sub("", text)
    # Brackets were removed with the punctuation; strip suffixes repeatedly
    # (e.g. "集团有限公司").
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text = text[: -len(suffix)]
                changed = True
                break
    while strip_places:
        match = _PLACE_WITH_SUFFIX.match(text)
        if match and len(text) - match.end() >= 2:
            text = text[match.end() :]
            continue
        match = _BARE_PLACE.match(text)
        if match and len(text) - match.end() >= 4:
            text = text[match.end() :]
            continue
        break
    return text


def similarity(a: str, b: str) -> float:
    """Return how alike two normalised names are, 0.0 … 1.0."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    if (a in b or b in a) and min(len(a), len(b)) >= 2:
        ratio = max(ratio, 0.85)
    return ratio
