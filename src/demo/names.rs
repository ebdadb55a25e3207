//! Names and places of the demo county: the townships of 于都县 by their real names,
//! villages, communities and addresses that read like Gannan ones, Jiangxi region codes for
//! ID numbers, mobile numbers, and people's names as a Gannan caseload has them (surnames
//! weighted as they are common there, given names by sex and birth cohort). Every character
//! is a CJK ideograph, two columns wide in any terminal: no `·`, no character of ambiguous
//! East Asian width. The places are plausible, not a gazetteer.

use super::rng::SplitMix64;
use crate::domain::{Sex, TownshipCode};
use crate::store::Township;

/// The county the demo portrays.
pub const COUNTY_NAME: &str = "于都县（演示）";
pub const COUNTY_CODE: &str = "360731";

/// One township of the county: its name, its share of the caseload, and whether it lies on
/// the 贡江 or the 梅江, the only places the demo puts retired fishers (专业退捕渔民).
struct TownshipSeed {
    name: &'static str,
    weight: u32,
    riverside: bool,
}

const fn town(name: &'static str, weight: u32, riverside: bool) -> TownshipSeed {
    TownshipSeed {
        name,
        weight,
        riverside,
    }
}

/// The county seat 贡江镇 holds the largest share; the order gives the codes 100, 101, ….
const TOWNSHIPS: [TownshipSeed; 23] = [
    town("贡江镇", 18, true),
    town("铁山垅镇", 4, false),
    town("盘古山镇", 5, false),
    town("禾丰镇", 5, false),
    town("祁禄山镇", 3, false),
    town("梓山镇", 6, true),
    town("银坑镇", 6, false),
    town("岭背镇", 5, true),
    town("罗坳镇", 6, true),
    town("罗江乡", 3, true),
    town("小溪乡", 3, false),
    town("利村乡", 3, false),
    town("新陂乡", 3, false),
    town("靖石乡", 3, false),
    town("黄麟乡", 3, false),
    town("沙心乡", 3, false),
    town("宽田乡", 4, false),
    town("葛坳乡", 4, false),
    town("桥头乡", 3, false),
    town("马安乡", 3, false),
    town("仙下乡", 3, false),
    town("车溪乡", 3, false),
    town("段屋乡", 3, false),
];

/// The county seat, whose households live in urban communities (社区) on named streets.
const SEAT: &str = "贡江镇";

const SEAT_COMMUNITIES: [&str; 10] = [
    "长征社区",
    "渡江社区",
    "东门社区",
    "南门社区",
    "西门社区",
    "北门社区",
    "城南社区",
    "城北社区",
    "金桥社区",
    "滨江社区",
];

const SEAT_STREETS: [&str; 14] = [
    "长征大道",
    "渡江大道",
    "贡江大道",
    "中山路",
    "建国路",
    "解放路",
    "胜利路",
    "环城东路",
    "环城西路",
    "府前路",
    "红旗大道",
    "人民路",
    "文化路",
    "南桥路",
];

/// Stems of village names (…村), of the kinds common in Gannan hill country.
const VILLAGE_STEMS: [&str; 64] = [
    "上坪", "新屋", "大坪", "黄沙", "罗田", "石背", "塘下", "杨梅", "岗脑", "下垅", "高屋", "长坑",
    "石溪", "坝脑", "寨下", "中坪", "水头", "湖陂", "山下", "桃源", "竹山", "梅子", "潭头", "龙口",
    "庄背", "河背", "田心", "坑口", "岭下", "车头", "上营", "大塘", "围下", "溪口", "松山", "樟树",
    "白石", "黄坑", "洋田", "里仁", "新田", "坪上", "横岭", "岭脚", "社背", "排头", "谢屋", "刘屋",
    "曾屋", "钟屋", "赖屋", "邱坑", "温坊", "古田", "朱坊", "富溪", "青塘", "金坑", "马头", "牛岭",
    "荷树", "桐木", "麻田", "禾坪",
];

/// Village groups (村民小组), the last part of a rural address.
const GROUPS: [&str; 16] = [
    "上屋组",
    "下屋组",
    "新屋组",
    "老屋组",
    "岭背组",
    "塘背组",
    "坝上组",
    "坑口组",
    "排上组",
    "围里组",
    "大屋组",
    "竹园组",
    "水口组",
    "田心组",
    "禾场组",
    "圳背组",
];

/// A township as the generator uses it: its record, its villages, and its caseworkers.
pub struct Place {
    pub township: Township,
    pub weight: u32,
    pub riverside: bool,
    pub villages: Vec<String>,
    /// Who records this township's follow-ups.
    pub caseworkers: Vec<String>,
}

/// Every township of the county, each with 8 to 14 villages (communities for the seat) and
/// three caseworkers.
pub fn places(rng: &mut SplitMix64) -> Vec<Place> {
    TOWNSHIPS
        .iter()
        .zip(100u32..)
        .map(|(seed, number)| {
            let villages = if seed.name == SEAT {
                let mut v: Vec<String> = SEAT_COMMUNITIES.iter().map(|c| c.to_string()).collect();
                v.extend(distinct_villages(rng, 3));
                v
            } else {
                let count = rng.between(8, 14) as usize;
                distinct_villages(rng, count)
            };
            let caseworkers = (0..3)
                .map(|_| {
                    let sex = if rng.chance(0.6) {
                        Sex::Female
                    } else {
                        Sex::Male
                    };
                    full_name(rng, sex, 1985)
                })
                .collect();
            Place {
                township: Township {
                    code: TownshipCode(format!("{COUNTY_CODE}{number}")),
                    name: seed.name.to_string(),
                },
                weight: seed.weight,
                riverside: seed.riverside,
                villages,
                caseworkers,
            }
        })
        .collect()
}

fn distinct_villages(rng: &mut SplitMix64, count: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(count);
    while out.len() < count.min(VILLAGE_STEMS.len()) {
        let name = format!("{}村", rng.pick(&VILLAGE_STEMS));
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A street address in the seat's communities (`贡江镇长征大道88号`, sometimes with a flat),
/// or a group and house number in a village (`罗坳镇大坪村上屋组12号`).
pub fn address(rng: &mut SplitMix64, township: &str, village: &str) -> String {
    if village.ends_with("社区") {
        let street = rng.pick(&SEAT_STREETS);
        let number = rng.between(1, 320);
        if rng.chance(0.4) {
            let building = rng.between(1, 12);
            let floor = rng.between(1, 7);
            let flat = rng.between(1, 4);
            format!("{township}{street}{number}号{building}栋{floor}0{flat}室")
        } else {
            format!("{township}{street}{number}号")
        }
    } else {
        let group = rng.pick(&GROUPS);
        let number = rng.between(1, 68);
        format!("{township}{village}{group}{number}号")
    }
}

/// Region codes (地址码) of ID numbers issued elsewhere in Jiangxi: spouses married in,
/// people registered where they were born. Neighbouring counties are the likeliest.
const OTHER_REGIONS: [(&str, u32); 19] = [
    ("360702", 2), // 章贡区
    ("360721", 4), // 赣县
    ("360722", 2), // 信丰县
    ("360723", 1), // 大余县
    ("360724", 1), // 上犹县
    ("360725", 1), // 崇义县
    ("360726", 3), // 安远县
    ("360727", 1), // 龙南县
    ("360728", 1), // 定南县
    ("360729", 1), // 全南县
    ("360730", 4), // 宁都县
    ("360732", 5), // 兴国县
    ("360733", 5), // 会昌县
    ("360734", 1), // 寻乌县
    ("360735", 2), // 石城县
    ("360781", 4), // 瑞金市
    ("360102", 1), // 南昌市东湖区
    ("360111", 1), // 南昌市青山湖区
    ("360121", 1), // 南昌县
];

/// 于都县 under the code of the former 赣州地区 (3621, until the prefecture became 赣州市
/// in 1999): many numbers issued then are still in use.
const YUDU_BEFORE_1999: &str = "362131";

/// The region code of a person's ID number: mostly 于都县 itself.
pub fn region(rng: &mut SplitMix64, birth_year: i32) -> &'static str {
    if rng.chance(0.86) {
        if birth_year < 1995 && rng.chance(0.2) {
            YUDU_BEFORE_1999
        } else {
            COUNTY_CODE
        }
    } else {
        rng.weighted(&OTHER_REGIONS)
    }
}

/// Every region code a demo ID number can carry (for tests).
#[cfg(test)]
pub fn all_regions() -> Vec<&'static str> {
    let mut all = vec![COUNTY_CODE, YUDU_BEFORE_1999];
    all.extend(OTHER_REGIONS.iter().map(|(code, _)| *code));
    all
}

const PHONE_PREFIXES: [&str; 32] = [
    "139", "138", "137", "136", "135", "134", "159", "158", "157", "152", "151", "150", "188",
    "187", "183", "182", "178", "130", "131", "132", "155", "156", "185", "186", "176", "133",
    "153", "180", "181", "189", "177", "199",
];

/// An 11-digit mobile number.
pub fn mobile(rng: &mut SplitMix64) -> String {
    format!("{}{:08}", rng.pick(&PHONE_PREFIXES), rng.below(100_000_000))
}

/// Surnames as common as they are in 于都 and around (刘, 钟, 曾, 谢, 赖, 肖 … lead), with a
/// few compound surnames so that full names run from two to four characters.
const SURNAMES: [(&str, u32); 42] = [
    ("刘", 20),
    ("钟", 14),
    ("曾", 12),
    ("谢", 12),
    ("黄", 12),
    ("李", 12),
    ("赖", 10),
    ("肖", 10),
    ("陈", 10),
    ("邱", 8),
    ("王", 8),
    ("张", 8),
    ("温", 6),
    ("杨", 6),
    ("罗", 6),
    ("郭", 6),
    ("廖", 6),
    ("朱", 6),
    ("胡", 6),
    ("何", 4),
    ("易", 4),
    ("管", 4),
    ("丁", 4),
    ("袁", 4),
    ("邓", 4),
    ("宋", 4),
    ("邹", 4),
    ("吴", 4),
    ("周", 4),
    ("徐", 4),
    ("林", 4),
    ("彭", 4),
    ("康", 4),
    ("段", 4),
    ("孙", 2),
    ("蓝", 2),
    ("巫", 2),
    ("尹", 2),
    ("龚", 2),
    ("严", 2),
    ("欧阳", 2),
    ("司马", 1),
];

pub fn surname(rng: &mut SplitMix64) -> &'static str {
    rng.weighted(&SURNAMES)
}

/// Characters of given names, by sex and birth cohort: before 1975, 1975–1994, 1995 on.
const MEN_OLDER: [&str; 30] = [
    "根", "生", "发", "财", "福", "贵", "水", "金", "林", "春", "华", "明", "国", "建", "平", "德",
    "荣", "清", "光", "祥", "万", "长", "元", "先", "仁", "秋", "茂", "桂", "有", "新",
];
const MEN_MIDDLE: [&str; 30] = [
    "建", "伟", "军", "勇", "强", "斌", "文", "志", "海", "东", "辉", "峰", "龙", "兵", "亮", "剑",
    "波", "涛", "鹏", "俊", "杰", "华", "明", "林", "平", "超", "磊", "毅", "鑫", "飞",
];
const MEN_YOUNG: [&str; 28] = [
    "浩", "宇", "轩", "晨", "博", "鑫", "俊", "杰", "子", "睿", "泽", "航", "铭", "昊", "鹏", "一",
    "文", "凯", "梓", "奕", "阳", "辰", "逸", "锦", "诚", "嘉", "豪", "宏",
];
const WOMEN_OLDER: [&str; 24] = [
    "秀", "英", "兰", "珍", "梅", "芳", "凤", "桂", "香", "莲", "玉", "花", "娥", "菊", "金", "招",
    "满", "冬", "春", "荣", "连", "仙", "翠", "珠",
];
const WOMEN_MIDDLE: [&str; 24] = [
    "红", "华", "燕", "霞", "丽", "萍", "琴", "敏", "静", "娟", "丹", "艳", "玲", "芳", "英", "慧",
    "小", "春", "梅", "莉", "晓", "文", "秀", "群",
];
const WOMEN_YOUNG: [&str; 24] = [
    "婷", "雪", "欣", "怡", "佳", "雨", "梦", "琪", "涵", "萱", "诗", "思", "颖", "悦", "可", "馨",
    "欢", "媛", "子", "语", "晨", "甜", "文", "静",
];

fn given_name(rng: &mut SplitMix64, sex: Sex, birth_year: i32) -> String {
    // One-character given names were most common among people born in the 1970s–80s.
    let (chars, one_char): (&[&str], f64) = match (sex, birth_year) {
        (Sex::Male, ..1975) => (&MEN_OLDER, 0.10),
        (Sex::Male, 1975..1995) => (&MEN_MIDDLE, 0.25),
        (Sex::Male, _) => (&MEN_YOUNG, 0.12),
        (Sex::Female, ..1975) => (&WOMEN_OLDER, 0.08),
        (Sex::Female, 1975..1995) => (&WOMEN_MIDDLE, 0.22),
        (Sex::Female, _) => (&WOMEN_YOUNG, 0.10),
    };
    let len = chars.len() as u64;
    let i = rng.below(len);
    let first = chars.get(i as usize).copied().unwrap_or("明");
    if rng.chance(one_char) {
        return first.to_string();
    }
    // Doubled given names (婷婷, 欢欢) are a girls' fashion of the last decades.
    if sex == Sex::Female && birth_year >= 1990 && rng.chance(0.06) {
        return format!("{first}{first}");
    }
    // Any other character of the list: a step of 1..len round the list never lands on `i`.
    let j = (i + 1 + rng.below(len.saturating_sub(1))) % len.max(1);
    let second = chars.get(j as usize).copied().unwrap_or("华");
    format!("{first}{second}")
}

/// A full name with a surname of its own.
pub fn full_name(rng: &mut SplitMix64, sex: Sex, birth_year: i32) -> String {
    let family = surname(rng);
    named(rng, family, sex, birth_year)
}

/// A full name under a given surname (a child takes the father's).
pub fn named(rng: &mut SplitMix64, family: &str, sex: Sex, birth_year: i32) -> String {
    format!("{family}{}", given_name(rng, sex, birth_year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn townships_have_distinct_names_and_codes_of_the_county() {
        let mut rng = SplitMix64::new(1);
        let places = places(&mut rng);
        assert_eq!(places.len(), 23);
        let mut codes: Vec<&str> = places.iter().map(|p| p.township.code.0.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 23);
        assert!(
            codes
                .iter()
                .all(|c| c.starts_with("360731") && c.len() == 9)
        );
        assert_eq!(places[0].township.name, "贡江镇");
        assert!(places.iter().all(|p| p.villages.len() >= 8));
    }

    #[test]
    fn names_are_two_to_four_wide_characters() {
        let mut rng = SplitMix64::new(3);
        for year in [1950, 1980, 2005] {
            for sex in [Sex::Male, Sex::Female] {
                for _ in 0..2000 {
                    let name = full_name(&mut rng, sex, year);
                    let n = name.chars().count();
                    assert!((2..=4).contains(&n), "{name}");
                    assert_eq!(name.width(), n * 2, "{name}");
                }
            }
        }
    }

    #[test]
    fn addresses_read_like_the_seat_or_a_village() {
        let mut rng = SplitMix64::new(4);
        let urban = address(&mut rng, "贡江镇", "长征社区");
        assert!(
            urban.starts_with("贡江镇") && urban.contains('号'),
            "{urban}"
        );
        let rural = address(&mut rng, "罗坳镇", "大坪村");
        assert!(
            rural.starts_with("罗坳镇大坪村") && rural.ends_with('号'),
            "{rural}"
        );
    }

    #[test]
    fn mobile_numbers_have_eleven_digits() {
        let mut rng = SplitMix64::new(5);
        for _ in 0..1000 {
            let m = mobile(&mut rng);
            assert_eq!(m.len(), 11);
            assert!(m.bytes().all(|b| b.is_ascii_digit()) && m.starts_with('1'));
        }
    }
}
