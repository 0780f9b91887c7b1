"""IBGE macro-regions from a state (UF or name) and from a phone's area code (DDD)."""

import re
import unicodedata
from collections import Counter, defaultdict

import pytest
from phonenumbers.geodata import GEOCODE_DATA

from domain.customers.phones import parse_brazilian_phone
from domain.customers.regions import Region, region_of_area_code, region_of_state

N, NE, CO, SE, S = (
    Region.NORTE,
    Region.NORDESTE,
    Region.CENTRO_OESTE,
    Region.SUDESTE,
    Region.SUL,
)

# UF, official name, the name as typed without accents, IBGE macro-region.
STATES = [
    ("AC", "Acre", "Acre", N),
    ("AP", "Amapá", "Amapa", N),
    ("AM", "Amazonas", "Amazonas", N),
    ("PA", "Pará", "Para", N),
    ("RO", "Rondônia", "Rondonia", N),
    ("RR", "Roraima", "Roraima", N),
    ("TO", "Tocantins", "Tocantins", N),
    ("AL", "Alagoas", "Alagoas", NE),
    ("BA", "Bahia", "Bahia", NE),
    ("CE", "Ceará", "Ceara", NE),
    ("MA", "Maranhão", "Maranhao", NE),
    ("PB", "Paraíba", "Paraiba", NE),
    ("PE", "Pernambuco", "Pernambuco", NE),
    ("PI", "Piauí", "Piaui", NE),
    ("RN", "Rio Grande do Norte", "Rio Grande do Norte", NE),
    ("SE", "Sergipe", "Sergipe", NE),
    ("DF", "Distrito Federal", "Distrito Federal", CO),
    ("GO", "Goiás", "Goias", CO),
    ("MT", "Mato Grosso", "Mato Grosso", CO),
    ("MS", "Mato Grosso do Sul", "Mato Grosso do Sul", CO),
    ("ES", "Espírito Santo", "Espirito Santo", SE),
    ("MG", "Minas Gerais", "Minas Gerais", SE),
    ("RJ", "Rio de Janeiro", "Rio de Janeiro", SE),
    ("SP", "São Paulo", "Sao Paulo", SE),
    ("PR", "Paraná", "Parana", S),
    ("RS", "Rio Grande do Sul", "Rio Grande do Sul", S),
    ("SC", "Santa Catarina", "Santa Catarina", S),
]

UNASSIGNED_DDDS = [20, 23, 25, 26, 29, 30, 36, 39, 40, 50, 52, *range(56, 61), 70, 72, 76, 78]
UNASSIGNED_DDDS += [80, 90]


def test_there_are_27_federative_units_and_five_regions() -> None:
    assert len({uf for uf, *_ in STATES}) == 27
    assert {str(region) for region in Region} == {
        "Norte",
        "Nordeste",
        "Centro-Oeste",
        "Sudeste",
        "Sul",
    }


@pytest.mark.parametrize(("uf", "name", "unaccented", "region"), STATES, ids=[s[0] for s in STATES])
def test_every_state_by_code(uf: str, name: str, unaccented: str, region: Region) -> None:
    for typed in (uf, uf.lower(), uf.capitalize(), f" {uf} ", f"{uf}\n"):
        assert region_of_state(typed) is region, typed


@pytest.mark.parametrize(("uf", "name", "unaccented", "region"), STATES, ids=[s[0] for s in STATES])
def test_every_state_by_name(uf: str, name: str, unaccented: str, region: Region) -> None:
    variants = (
        name,
        name.upper(),
        name.lower(),
        unaccented,
        unaccented.upper(),
        unaccented.lower(),
        f"  {name.replace(' ', '   ')}  ",
        unicodedata.normalize("NFD", name),
    )
    for typed in variants:
        assert region_of_state(typed) is region, typed


@pytest.mark.parametrize(
    "state",
    [
        "",
        " ",
        "XX",
        "BR",
        "Brasil",
        "S. Paulo",
        "São Paulo - SP",
        "Estado de São Paulo",
        "Sao_Paulo",
        "35",  # the IBGE numeric code of São Paulo is not a UF
        "Brasília",  # a capital, not a state
        "Rio Grande",
        "Mato",
        "S P",
    ],
)
def test_unknown_states_have_no_region(state: str) -> None:
    assert region_of_state(state) is None


# A few DDDs per region, from Anatel's plan, including each region's border cases.
@pytest.mark.parametrize(
    ("ddd", "region"),
    [
        (11, SE),
        (19, SE),
        (21, SE),
        (24, SE),
        (27, SE),
        (28, SE),
        (31, SE),
        (38, SE),
        (41, S),
        (46, S),
        (47, S),
        (49, S),
        (51, S),
        (55, S),
        (61, CO),
        (62, CO),
        (64, CO),
        (65, CO),
        (66, CO),
        (67, CO),
        (63, N),  # Tocantins is Norte although its DDD sits among the Centro-Oeste ones
        (68, N),
        (69, N),
        (91, N),
        (92, N),
        (95, N),
        (96, N),
        (97, N),
        (71, NE),
        (77, NE),
        (79, NE),
        (81, NE),
        (85, NE),
        (89, NE),
        (98, NE),  # Maranhão is Nordeste although its DDDs follow the Norte ones
        (99, NE),
    ],
)
def test_area_codes_by_hand(ddd: int, region: Region) -> None:
    assert region_of_area_code(ddd) is region


@pytest.mark.parametrize("ddd", UNASSIGNED_DDDS)
def test_unassigned_area_codes_have_no_region(ddd: int) -> None:
    assert region_of_area_code(ddd) is None


@pytest.mark.parametrize("code", [-11, 0, 1, 9, 10, 100, 111, 5511])
def test_codes_outside_the_ddd_range_have_no_region(code: int) -> None:
    assert region_of_area_code(code) is None


def test_every_other_code_from_11_to_99_is_assigned() -> None:
    assigned = [ddd for ddd in range(11, 100) if region_of_area_code(ddd) is not None]
    assert len(assigned) == 67
    assert sorted(assigned + UNASSIGNED_DDDS) == list(range(11, 100))


def _geocoded_states_by_ddd() -> dict[int, str]:
    """The state most of phonenumbers' Brazilian place names under each DDD belong to.

    The geocoding data ships inside the phonenumbers package, so this needs no network. A few of
    its entries name a neighbouring state (Timon-MA dials 86, Afuá-PA dials 96), so the majority
    decides.
    """
    votes: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for prefix, names in GEOCODE_DATA.items():
        match = re.search(r" - ([A-Z]{2})$", names.get("pt", ""))
        if prefix.startswith("55") and len(prefix) > 4 and match:
            votes[int(prefix[2:4])][match.group(1)] += 1
    return {ddd: counter.most_common(1)[0][0] for ddd, counter in votes.items()}


def test_area_codes_agree_with_phonenumbers_geocoding() -> None:
    geocoded = _geocoded_states_by_ddd()
    assert sorted(geocoded) == [d for d in range(11, 100) if region_of_area_code(d) is not None]
    for ddd, uf in geocoded.items():
        assert region_of_area_code(ddd) is region_of_state(uf), ddd


def test_the_phone_parser_and_the_area_code_table_agree() -> None:
    # A phone accepted with a DDD missing from the table would be rejected as invalid_state.
    subscribers = ["987654321", "998765432", "34567890", "23456789", "32123456", "45678901"]
    for ddd in range(10, 100):
        phones = [parse_brazilian_phone(f"+55{ddd}{sub}") for sub in subscribers]
        accepted = [phone for phone in phones if phone is not None]
        assert all(phone.area_code == ddd for phone in accepted)
        assert bool(accepted) is (region_of_area_code(ddd) is not None), ddd


def test_a_state_padded_by_a_fixed_width_column_is_still_its_state() -> None:
    assert region_of_state("SP" + " " * 48) == Region.SUDESTE
    assert region_of_state(" " * 30 + "Rio Grande do Sul" + " " * 30) == Region.SUL
    assert region_of_state("SP" + "x" * 48) is None
