"""Reference tables of the synthetic landscape: industries, cities, archetypes, products.

Industries follow the divisions of GB/T 4754-2017 (国民经济行业分类) by their Chinese
names; cities carry the first digits of their GB/T 2260 administrative division code,
which the unified social credit codes embed. Archetype profiles are the latent
"kinds of firm" that drive industry, region, size, tags, products and neighbours.
"""

from __future__ import annotations

import logging

import numpy as np

__all__ = [
    "INDUSTRIES",
    "INDUSTRY_WORDS",
    "CITIES",
    "ARCHETYPES",
    "SPECIAL_LABELS",
    "PROFILES",
    "PRODUCTS",
    "industry_weights",
    "city_weights",
]

log = logging.getLogger(__name__)

# (division name, words used in company names)
_INDUSTRY_TABLE: list[tuple[str, tuple[str, ...]]] = [
    ("农业", ("农业", "农业科技", "生态农业")),
    ("农副食品加工业", ("食品", "粮油", "农产品")),
    ("纺织服装、服饰业", ("服饰", "纺织", "制衣")),
    ("化学原料和化学制品制造业", ("化工", "新材料", "精细化工")),
    ("医药制造业", ("医药", "生物制药", "药业")),
    ("橡胶和塑料制品业", ("塑胶", "塑料制品", "橡塑")),
    ("非金属矿物制品业", ("建材", "玻璃", "陶瓷")),
    ("黑色金属冶炼和压延加工业", ("钢铁", "特钢", "金属材料")),
    ("金属制品业", ("五金", "金属制品", "精密部件")),
    ("通用设备制造业", ("机械", "装备", "精密机械")),
    ("专用设备制造业", ("智能装备", "重工", "专用设备")),
    ("汽车制造业", ("汽车", "汽车零部件", "汽配")),
    ("电气机械和器材制造业", ("电气", "电池", "新能源")),
    ("计算机、通信和其他电子设备制造业", ("电子", "半导体", "通信设备", "光电")),
    ("仪器仪表制造业", ("仪器", "仪表", "传感技术")),
    ("电力、热力生产和供应业", ("电力", "能源", "热电")),
    ("房屋建筑业", ("建设", "建筑工程", "建工")),
    ("土木工程建筑业", ("路桥", "市政工程", "基建")),
    ("批发业", ("贸易", "商贸", "供应链管理", "进出口")),
    ("零售业", ("商业", "百货", "超市")),
    ("道路运输业", ("物流", "运输", "货运")),
    ("多式联运和运输代理业", ("国际货运代理", "供应链", "航运")),
    ("住宿业", ("酒店", "酒店管理")),
    ("餐饮业", ("餐饮", "餐饮管理", "食品连锁")),
    ("软件和信息技术服务业", ("软件", "信息技术", "数据科技", "网络科技")),
    ("互联网和相关服务", ("互联网科技", "网络", "数字科技")),
    ("房地产业", ("置业", "房地产开发", "地产")),
    ("商务服务业", ("投资管理", "企业管理", "咨询")),
    ("研究和试验发展", ("生物科技", "技术研究")),
    ("科技推广和应用服务业", ("科技", "技术服务")),
    ("资本市场服务", ("资产管理",)),
    ("国家机构", ("国有资产",)),
]
INDUSTRIES: tuple[str, ...] = tuple(name for name, _ in _INDUSTRY_TABLE)
INDUSTRY_WORDS: tuple[tuple[str, ...], ...] = tuple(words for _, words in _INDUSTRY_TABLE)
_IND = {name: i for i, name in enumerate(INDUSTRIES)}

# (province, city, GB/T 2260 prefix of 4 digits, economic weight)
CITIES: tuple[tuple[str, str, str, float], ...] = (
    ("上海市", "上海", "3101", 9.0), ("北京市", "北京", "1101", 8.0),
    ("广东省", "深圳", "4403", 8.0), ("广东省", "广州", "4401", 6.0),
    ("广东省", "东莞", "4419", 3.0), ("广东省", "佛山", "4406", 3.0),
    ("浙江省", "杭州", "3301", 5.5), ("浙江省", "宁波", "3302", 3.5),
    ("浙江省", "温州", "3303", 2.5), ("浙江省", "绍兴", "3306", 1.8),
    ("浙江省", "台州", "3310", 1.6), ("江苏省", "苏州", "3205", 5.5),
    ("江苏省", "南京", "3201", 4.0), ("江苏省", "无锡", "3202", 3.0),
    ("江苏省", "常州", "3204", 2.0), ("天津市", "天津", "1201", 3.5),
    ("重庆市", "重庆", "5001", 4.0), ("四川省", "成都", "5101", 4.5),
    ("湖北省", "武汉", "4201", 4.0), ("湖南省", "长沙", "4301", 3.0),
    ("陕西省", "西安", "6101", 3.0), ("河南省", "郑州", "4101", 3.0),
    ("山东省", "青岛", "3702", 3.0), ("山东省", "济南", "3701", 2.5),
    ("安徽省", "合肥", "3401", 3.0), ("福建省", "福州", "3501", 2.2),
    ("福建省", "厦门", "3502", 2.2), ("福建省", "泉州", "3505", 2.0),
    ("辽宁省", "沈阳", "2101", 1.8), ("辽宁省", "大连", "2102", 1.8),
    ("吉林省", "长春", "2201", 1.2), ("黑龙江省", "哈尔滨", "2301", 1.2),
    ("河北省", "石家庄", "1301", 1.5), ("山西省", "太原", "1401", 1.0),
    ("江西省", "南昌", "3601", 1.3), ("广西壮族自治区", "南宁", "4501", 1.2),
    ("云南省", "昆明", "5301", 1.3), ("贵州省", "贵阳", "5201", 1.0),
    ("甘肃省", "兰州", "6201", 0.6), ("新疆维吾尔自治区", "乌鲁木齐", "6501", 0.6),
    ("内蒙古自治区", "呼和浩特", "1501", 0.6), ("海南省", "海口", "4601", 0.6),
)  # fmt: skip

ARCHETYPES: tuple[str, ...] = (
    "tech_growth",
    "manufacturing_core",
    "supply_chain_tier2",
    "trading_sme",
    "state_owned",
    "real_estate",
    "consumer_services",
)
SPECIAL_LABELS: tuple[str, ...] = ("custodian", "state_asset_admin")
TECH, MANUF, TIER2, TRADE, STATE, REAL, CONSUMER = range(7)

# Per archetype: industries (weights), favoured cities (boost), size (lognormal of
# registered capital in 万元: mu, sigma), founded years (lo, hi), R&D beta(a, b),
# tag probabilities, share of operating companies when standalone.
PROFILES: dict[int, dict] = {
    TECH: {
        "industries": {"软件和信息技术服务业": 4, "计算机、通信和其他电子设备制造业": 3,
                       "互联网和相关服务": 2, "研究和试验发展": 1.5, "医药制造业": 1.5,
                       "科技推广和应用服务业": 2, "仪器仪表制造业": 1},
        "cities": {"北京": 3, "深圳": 3, "上海": 2.5, "杭州": 2.5, "苏州": 2, "合肥": 2,
                   "成都": 1.5, "武汉": 1.5, "西安": 1.5, "南京": 1.5},
        "capital": (6.5, 1.3), "founded": (2008, 2023), "rd": (4.0, 30.0),
        "high_tech": 0.75, "specialized": 0.35, "exporter": 0.15, "share": 0.16,
    },
    MANUF: {
        "industries": {"汽车制造业": 2, "电气机械和器材制造业": 2, "通用设备制造业": 2,
                       "专用设备制造业": 2, "化学原料和化学制品制造业": 1.5,
                       "黑色金属冶炼和压延加工业": 1, "非金属矿物制品业": 1,
                       "计算机、通信和其他电子设备制造业": 1.5, "医药制造业": 1},
        "cities": {"苏州": 3, "无锡": 2.5, "宁波": 2.5, "佛山": 3, "东莞": 3, "青岛": 2,
                   "常州": 2, "重庆": 2, "台州": 2},
        "capital": (8.0, 1.4), "founded": (1993, 2015), "rd": (3.0, 80.0),
        "high_tech": 0.35, "specialized": 0.10, "exporter": 0.40, "share": 0.10,
    },
    TIER2: {
        "industries": {"金属制品业": 3, "橡胶和塑料制品业": 2.5, "通用设备制造业": 1.5,
                       "电气机械和器材制造业": 1.5, "仪器仪表制造业": 1,
                       "计算机、通信和其他电子设备制造业": 1, "化学原料和化学制品制造业": 1},
        "cities": {"东莞": 3, "佛山": 2.5, "苏州": 2.5, "宁波": 2.5, "温州": 2, "台州": 2.5,
                   "常州": 2, "无锡": 2, "泉州": 2, "绍兴": 2},
        "capital": (6.0, 1.0), "founded": (2000, 2020), "rd": (2.0, 60.0),
        "high_tech": 0.20, "specialized": 0.30, "exporter": 0.20, "share": 0.24,
    },
    TRADE: {
        "industries": {"批发业": 6, "多式联运和运输代理业": 1.5, "纺织服装、服饰业": 1,
                       "农副食品加工业": 1, "道路运输业": 1},
        "cities": {"广州": 2.5, "温州": 2.5, "泉州": 2, "厦门": 2.5, "宁波": 2, "上海": 1.5,
                   "郑州": 1.5},
        "capital": (5.5, 1.1), "founded": (2005, 2023), "rd": (1.0, 200.0),
        "high_tech": 0.01, "specialized": 0.01, "exporter": 0.35, "share": 0.26,
    },
    STATE: {
        "industries": {"电力、热力生产和供应业": 3, "土木工程建筑业": 3, "房屋建筑业": 1.5,
                       "道路运输业": 1.5, "黑色金属冶炼和压延加工业": 1.5,
                       "商务服务业": 2, "化学原料和化学制品制造业": 1},
        "cities": {"北京": 2, "上海": 1.5, "天津": 1.5, "重庆": 1.5, "济南": 1.5,
                   "石家庄": 1.5, "太原": 1.5, "沈阳": 1.5, "长春": 1.5, "哈尔滨": 1.5},
        "capital": (10.0, 1.3), "founded": (1985, 2012), "rd": (1.0, 150.0),
        "high_tech": 0.10, "specialized": 0.0, "exporter": 0.05, "share": 0.02,
    },
    REAL: {
        "industries": {"房地产业": 8, "房屋建筑业": 1.5, "商务服务业": 1},
        "cities": {"上海": 1.5, "杭州": 1.5, "成都": 1.5, "重庆": 1.5, "武汉": 1.2,
                   "长沙": 1.2, "郑州": 1.2, "合肥": 1.2},
        "capital": (8.5, 1.2), "founded": (1995, 2018), "rd": (1.0, 500.0),
        "high_tech": 0.0, "specialized": 0.0, "exporter": 0.0, "share": 0.06,
    },
    CONSUMER: {
        "industries": {"零售业": 3, "餐饮业": 3, "住宿业": 1.5, "农副食品加工业": 1.5,
                       "纺织服装、服饰业": 1, "农业": 1},
        "cities": {"成都": 1.5, "长沙": 1.5, "重庆": 1.3, "广州": 1.3, "昆明": 1.3,
                   "海口": 1.5, "西安": 1.2},
        "capital": (5.0, 1.2), "founded": (2003, 2023), "rd": (1.0, 300.0),
        "high_tech": 0.0, "specialized": 0.02, "exporter": 0.03, "share": 0.16,
    },
}  # fmt: skip

# (code, name, line)
PRODUCTS: tuple[tuple[str, str, str], ...] = (
    ("LN-WC", "流动资金贷款", "credit"),
    ("LN-FA", "固定资产贷款", "credit"),
    ("LN-PROJ", "项目贷款", "credit"),
    ("LN-MA", "并购贷款", "investment_banking"),
    ("LN-TECH", "科创贷", "credit"),
    ("LN-IP", "知识产权质押贷款", "credit"),
    ("TF-DISC", "票据贴现", "trade_finance"),
    ("TF-BA", "银行承兑汇票", "trade_finance"),
    ("TF-SCF", "供应链融资", "trade_finance"),
    ("TF-LG", "保函", "trade_finance"),
    ("TX-CASH", "现金管理", "transaction_banking"),
    ("TX-PAYROLL", "代发工资", "transaction_banking"),
    ("TX-XB", "跨境结算", "transaction_banking"),
    ("MK-FX", "汇率避险", "markets"),
    ("DP-STRUCT", "结构性存款", "deposits"),
    ("IB-BOND", "债券承销", "investment_banking"),
)


def industry_weights(arch: int) -> np.ndarray:
    """Probability of each industry index for a company of archetype ``arch``."""
    w = np.zeros(len(INDUSTRIES))
    for name, v in PROFILES[arch]["industries"].items():
        w[_IND[name]] = v
    return w / w.sum()


def city_weights(arch: int | None = None) -> np.ndarray:
    """Probability of each city index, boosted for the archetype's favoured cities."""
    w = np.array([c[3] for c in CITIES])
    if arch is not None:
        names = [c[1] for c in CITIES]
        for city, boost in PROFILES[arch]["cities"].items():
            if city in names:
                w[names.index(city)] *= boost
    return w / w.sum()
