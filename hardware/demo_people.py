"""The demo people of docs/demo-data.md as the simulated ID card reader and card reader
carry them. The sandbox backend seeds the same people; keep the two in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoPerson:
    person_id: str  # short handle for config and tests: "wang", "jin", ...
    name: str
    sex: str
    ethnicity: str
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: date
    valid_to: date | None  # None: 长期 (valid for life)
    pan: str | None  # bank card, None for a customer without an account yet
    expiry: str = "2912"  # YYMM


PEOPLE: dict[str, DemoPerson] = {
    p.person_id: p
    for p in (
        DemoPerson(
            "wang",
            "王小明",
            "male",
            "汉",
            date(1988, 5, 12),
            "北京市朝阳区建国路88号",
            "110105198805120237",
            "北京市公安局朝阳分局",
            date(2018, 6, 1),
            date(2038, 6, 1),
            "6228480012345678010",
        ),
        DemoPerson(
            "jin",
            "金顺姬",
            "female",
            "朝鲜族",
            date(1950, 3, 8),
            "吉林省延吉市光明街15号",
            "222401195003080469",
            "延吉市公安局",
            date(2010, 3, 1),
            None,
            "6228480012345678028",
        ),
        DemoPerson(
            "li",
            "李华",
            "male",
            "汉",
            date(1978, 11, 20),
            "上海市徐汇区漕溪北路200号",
            "310104197811200176",
            "上海市公安局徐汇分局",
            date(2015, 1, 10),
            date(2035, 1, 10),
            "6228480012345678036",
        ),
        DemoPerson(
            "chen",
            "陈静",
            "female",
            "汉",
            date(1992, 7, 15),
            "广东省深圳市南山区科技园路1号",
            "440305199207150382",
            "深圳市公安局南山分局",
            date(2019, 8, 20),
            date(2039, 8, 20),
            "6228480012345678044",
        ),
        DemoPerson(
            "zhao",
            "赵丽",
            "female",
            "汉",
            date(1994, 3, 25),
            "江苏省南京市玄武区中山路100号",
            "320102199403250527",
            "南京市公安局玄武分局",
            date(2020, 4, 1),
            date(2040, 4, 1),
            None,
        ),
    )
}


def find_person(key: str) -> DemoPerson:
    """A demo person by handle, ID number or card number."""
    for person in PEOPLE.values():
        if key in (person.person_id, person.id_number, person.pan):
            return person
    raise KeyError(f"no demo person {key!r}; known: {sorted(PEOPLE)}")
