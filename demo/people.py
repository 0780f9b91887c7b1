"""Brazilian people for the demo: names, phones, states, CPFs, e-mails and addresses.

Reference tables follow IBGE (states, regions) and Anatel (area codes). Names come from Faker
``pt_BR``; everything else is made up here, valid where validity matters (CPF check digits,
phone numbering plan) so that the personal data looks real to the code under test.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date

from faker import Faker

from demo import messages
from demo.messages import Row

# UF -> (state name, macro-region, capital, first three CEP digits).
STATES: dict[str, tuple[str, str, str, int]] = {
    "AC": ("Acre", "Norte", "Rio Branco", 699),
    "AP": ("Amapá", "Norte", "Macapá", 689),
    "AM": ("Amazonas", "Norte", "Manaus", 690),
    "PA": ("Pará", "Norte", "Belém", 660),
    "RO": ("Rondônia", "Norte", "Porto Velho", 768),
    "RR": ("Roraima", "Norte", "Boa Vista", 693),
    "TO": ("Tocantins", "Norte", "Palmas", 770),
    "AL": ("Alagoas", "Nordeste", "Maceió", 570),
    "BA": ("Bahia", "Nordeste", "Salvador", 400),
    "CE": ("Ceará", "Nordeste", "Fortaleza", 600),
    "MA": ("Maranhão", "Nordeste", "São Luís", 650),
    "PB": ("Paraíba", "Nordeste", "João Pessoa", 580),
    "PE": ("Pernambuco", "Nordeste", "Recife", 500),
    "PI": ("Piauí", "Nordeste", "Teresina", 640),
    "RN": ("Rio Grande do Norte", "Nordeste", "Natal", 590),
    "SE": ("Sergipe", "Nordeste", "Aracaju", 490),
    "DF": ("Distrito Federal", "Centro-Oeste", "Brasília", 700),
    "GO": ("Goiás", "Centro-Oeste", "Goiânia", 740),
    "MT": ("Mato Grosso", "Centro-Oeste", "Cuiabá", 780),
    "MS": ("Mato Grosso do Sul", "Centro-Oeste", "Campo Grande", 790),
    "ES": ("Espírito Santo", "Sudeste", "Vitória", 290),
    "MG": ("Minas Gerais", "Sudeste", "Belo Horizonte", 300),
    "RJ": ("Rio de Janeiro", "Sudeste", "Rio de Janeiro", 200),
    "SP": ("São Paulo", "Sudeste", "São Paulo", 10),
    "PR": ("Paraná", "Sul", "Curitiba", 800),
    "RS": ("Rio Grande do Sul", "Sul", "Porto Alegre", 900),
    "SC": ("Santa Catarina", "Sul", "Florianópolis", 880),
}
# Every area code Anatel has assigned, with its state.
AREA_CODES: dict[int, str] = {
    **dict.fromkeys((11, 12, 13, 14, 15, 16, 17, 18, 19), "SP"),
    **dict.fromkeys((21, 22, 24), "RJ"),
    **dict.fromkeys((27, 28), "ES"),
    **dict.fromkeys((31, 32, 33, 34, 35, 37, 38), "MG"),
    **dict.fromkeys((41, 42, 43, 44, 45, 46), "PR"),
    **dict.fromkeys((47, 48, 49), "SC"),
    **dict.fromkeys((51, 53, 54, 55), "RS"),
    61: "DF",
    **dict.fromkeys((62, 64), "GO"),
    63: "TO",
    **dict.fromkeys((65, 66), "MT"),
    67: "MS",
    68: "AC",
    69: "RO",
    **dict.fromkeys((71, 73, 74, 75, 77), "BA"),
    79: "SE",
    **dict.fromkeys((81, 87), "PE"),
    82: "AL",
    83: "PB",
    84: "RN",
    **dict.fromkeys((85, 88), "CE"),
    **dict.fromkeys((86, 89), "PI"),
    **dict.fromkeys((91, 93, 94), "PA"),
    **dict.fromkeys((92, 97), "AM"),
    95: "RR",
    96: "AP",
    **dict.fromkeys((98, 99), "MA"),
}
DDDS = tuple(AREA_CODES)
UFS = tuple(STATES)
DDDS_BY_UF = {uf: tuple(d for d, state in AREA_CODES.items() if state == uf) for uf in UFS}
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "yahoo.com.br", "outlook.com", "uol.com.br",
                  "bol.com.br", "terra.com.br", "ig.com.br")  # fmt: skip


class People:
    """Brazilian people: Faker pt_BR names drawn once into pools, the rest made up locally."""

    def __init__(self, seed: int) -> None:
        fake = Faker("pt_BR")
        fake.seed_instance(seed)
        self._first = pool(fake.first_name, 400)
        self._last = pool(fake.last_name, 400)

    def contact(
        self, rng: random.Random, *, uppercase: bool
    ) -> tuple[tuple[str, ...], int, str, str]:
        """Name words, area code, subscriber number and home state (usually the phone's)."""
        words = (*rng.choice(self._first).split(), *self._surnames(rng))
        style = rng.random()
        if style < (0.4 if uppercase else 0.08):
            words = tuple(word.upper() for word in words)
        elif style > 0.95:
            words = tuple(word.lower() for word in words)
        ddd = rng.choice(DDDS)
        uf = AREA_CODES[ddd] if rng.random() < 0.9 else rng.choice(UFS)
        return words, ddd, self.subscriber(rng), uf

    def married(self, rng: random.Random, words: tuple[str, ...]) -> tuple[str, ...]:
        surname = self._surnames(rng)
        if words[0].isupper():
            surname = tuple(word.upper() for word in surname)
        return (words[0], *surname)

    def _surnames(self, rng: random.Random) -> tuple[str, ...]:
        names = rng.choice(self._last).split()
        if rng.random() < 0.6:
            names = [*rng.choice(self._last).split(), *names]
        return tuple(names)

    def row(  # noqa: PLR0913 - the parts of a person that the oracle tracks
        self,
        rng: random.Random,
        customer_id: int,
        words: tuple[str, ...],
        ddd: int,
        subscriber: str,
        *,
        now_us: int,
    ) -> Row:
        home = AREA_CODES[ddd]
        birth = date(1940, 1, 1).toordinal() + rng.randrange(365 * 66)
        registered = date(1990, 1, 1).toordinal() + rng.randrange(365 * 35)
        return Row(
            customer_id=customer_id,
            name=messages.type_name(rng, words),
            phone=messages.type_phone(rng, ddd, subscriber),
            state=None,
            active=True,
            opt_out=False,
            cpf=cpf(rng),
            email=self.email(rng, words),
            city=STATES[home][2],
            zip_code=self.zip_code(rng, home),
            birth_date=date.fromordinal(birth).isoformat(),
            branch=rng.randint(1, 450),
            registered=date.fromordinal(registered).isoformat(),
            updated_us=now_us,
        )

    def email(self, rng: random.Random, words: tuple[str, ...]) -> str:
        first, last = (messages.unaccent(word).lower() for word in (words[0], words[-1]))
        suffix = str(rng.randint(1, 99)) if rng.random() < 0.5 else ""
        local = "".join(char for char in f"{first}.{last}{suffix}" if char.isalnum() or char == ".")
        return f"{local}@{rng.choice(EMAIL_DOMAINS)}"

    @staticmethod
    def subscriber(rng: random.Random) -> str:
        """A mobile (9 then 6-9) or a landline (2-5) subscriber number, as Anatel allocates."""
        if rng.random() < 0.75:
            return f"9{rng.choice('6789')}{rng.randrange(10**7):07d}"
        return f"{rng.choice('2345')}{rng.randrange(10**7):07d}"

    @staticmethod
    def zip_code(rng: random.Random, uf: str) -> str:
        prefix = STATES[uf][3] * 100 + rng.randrange(100)
        return f"{prefix:05d}-{rng.randrange(1000):03d}"


def pool(draw: Callable[[], str], draws: int) -> tuple[str, ...]:
    """Distinct values in the order drawn, so a seed always gives the same pool."""
    return tuple(dict.fromkeys(unicodedata.normalize("NFC", draw()) for _ in range(draws)))


def cpf(rng: random.Random) -> str:
    """A CPF with valid check digits, formatted or bare as different systems keep it."""
    digits = [rng.randrange(10) for _ in range(9)]
    for length in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(length + 1, 1, -1), strict=True))
        digits.append(total * 10 % 11 % 10)
    text = "".join(map(str, digits))
    if rng.random() < 0.3:
        return text
    return f"{text[:3]}.{text[3:6]}.{text[6:9]}-{text[9:]}"
