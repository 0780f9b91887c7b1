"""IBGE macro-regions, from a state (UF) or from a phone's area code (DDD)."""

import unicodedata
from enum import StrEnum
from functools import lru_cache


class Region(StrEnum):
    """The five IBGE macro-regions, spelled as telesales read them."""

    NORTE = "Norte"
    NORDESTE = "Nordeste"
    CENTRO_OESTE = "Centro-Oeste"
    SUDESTE = "Sudeste"
    SUL = "Sul"


# UF -> (state name, region), per IBGE's regional division.
_STATES: dict[str, tuple[str, Region]] = {
    "AC": ("Acre", Region.NORTE),
    "AP": ("Amapá", Region.NORTE),
    "AM": ("Amazonas", Region.NORTE),
    "PA": ("Pará", Region.NORTE),
    "RO": ("Rondônia", Region.NORTE),
    "RR": ("Roraima", Region.NORTE),
    "TO": ("Tocantins", Region.NORTE),
    "AL": ("Alagoas", Region.NORDESTE),
    "BA": ("Bahia", Region.NORDESTE),
    "CE": ("Ceará", Region.NORDESTE),
    "MA": ("Maranhão", Region.NORDESTE),
    "PB": ("Paraíba", Region.NORDESTE),
    "PE": ("Pernambuco", Region.NORDESTE),
    "PI": ("Piauí", Region.NORDESTE),
    "RN": ("Rio Grande do Norte", Region.NORDESTE),
    "SE": ("Sergipe", Region.NORDESTE),
    "DF": ("Distrito Federal", Region.CENTRO_OESTE),
    "GO": ("Goiás", Region.CENTRO_OESTE),
    "MT": ("Mato Grosso", Region.CENTRO_OESTE),
    "MS": ("Mato Grosso do Sul", Region.CENTRO_OESTE),
    "ES": ("Espírito Santo", Region.SUDESTE),
    "MG": ("Minas Gerais", Region.SUDESTE),
    "RJ": ("Rio de Janeiro", Region.SUDESTE),
    "SP": ("São Paulo", Region.SUDESTE),
    "PR": ("Paraná", Region.SUL),
    "RS": ("Rio Grande do Sul", Region.SUL),
    "SC": ("Santa Catarina", Region.SUL),
}

# DDD -> UF, per Anatel's numbering plan. A DDD never crosses a macro-region border.
_AREA_CODES: dict[str, tuple[int, ...]] = {
    "SP": (11, 12, 13, 14, 15, 16, 17, 18, 19),
    "RJ": (21, 22, 24),
    "ES": (27, 28),
    "MG": (31, 32, 33, 34, 35, 37, 38),
    "PR": (41, 42, 43, 44, 45, 46),
    "SC": (47, 48, 49),
    "RS": (51, 53, 54, 55),
    "DF": (61,),
    "GO": (62, 64),
    "TO": (63,),
    "MT": (65, 66),
    "MS": (67,),
    "AC": (68,),
    "RO": (69,),
    "BA": (71, 73, 74, 75, 77),
    "SE": (79,),
    "PE": (81, 87),
    "AL": (82,),
    "PB": (83,),
    "RN": (84,),
    "CE": (85, 88),
    "PI": (86, 89),
    "PA": (91, 93, 94),
    "AM": (92, 97),
    "RR": (95,),
    "AP": (96,),
    "MA": (98, 99),
}


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form: "São  Paulo" and "SAO PAULO" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


_REGION_BY_STATE: dict[str, Region] = {}
for _uf, (_name, _region) in _STATES.items():
    _REGION_BY_STATE[_fold(_uf)] = _region
    _REGION_BY_STATE[_fold(_name)] = _region

_REGION_BY_AREA_CODE: dict[int, Region] = {
    ddd: _STATES[uf][1] for uf, ddds in _AREA_CODES.items() for ddd in ddds
}


# The longest state name is 19 characters ("Rio Grande do Norte"); twice that leaves room for
# spacing and decomposed accents. Anything longer names no state, and is refused before it is
# folded or cached: NFKD expands some characters 18-fold (U+FDFA), and a 1 MiB state would
# otherwise cost a second to fold and stay in the cache.
_MAX_STATE_LENGTH = 40


def region_of_state(state: str) -> Region | None:
    """The region of a state given as UF ("SP") or name ("São Paulo", "sao paulo"), else None."""
    if len(state) > _MAX_STATE_LENGTH:
        # A fixed-width CHAR column pads with spaces: "SP" and 48 of them is still São Paulo.
        state = state.strip()
        if len(state) > _MAX_STATE_LENGTH:
            return None
    return _region_of_state(state)


# Producers spell a few dozen states a few ways each; the cache is bounded against any others.
@lru_cache(maxsize=1024)
def _region_of_state(state: str) -> Region | None:
    return _REGION_BY_STATE.get(_fold(state))


def region_of_area_code(area_code: int) -> Region | None:
    """The region of a two-digit DDD; None for a code Anatel has not assigned."""
    return _REGION_BY_AREA_CODE.get(area_code)
