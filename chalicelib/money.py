"""Money written out: integer cents in, text out, in two writings only. The API's decimal
string ("800.00") is a contract of the published OpenAPI document; the French one ("1 200,00 €")
is what people read in errors, emails and operators' listings, written as the web client's
`Intl.NumberFormat("fr-FR")` writes it so that a message reads like the page beside it.
Light and pure: every area may import it."""

THOUSANDS = "\u202f"  # narrow no-break space, as fr-FR groups digits
BEFORE_SIGN = "\u00a0"  # no-break space: the amount and its € never split across lines


def euros(centimes: int) -> str:
    """Amounts in the API: decimal strings, never floats."""
    return f"{centimes // 100}.{centimes % 100:02d}"


def euros_fr(centimes: int) -> str:
    """An amount for people, in French: "800,00 €", "1 200,50 €", "-15,00 €"."""
    units, cents = divmod(abs(centimes), 100)
    sign = "-" if centimes < 0 else ""
    return f"{sign}{units:,}".replace(",", THOUSANDS) + f",{cents:02d}{BEFORE_SIGN}€"
