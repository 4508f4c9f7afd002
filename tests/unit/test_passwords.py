import pytest

from chalicelib.accounts import passwords


def test_a_strong_password_passes():
    assert passwords.rule_errors("Gv7#plume-Ardoise") == []


def test_missing_criteria_are_listed_in_one_french_sentence():
    [message] = passwords.rule_errors("abc")
    assert message == (
        "Le mot de passe doit contenir au moins 12 caractères, une majuscule, "
        "un chiffre et un caractère spécial."
    )


@pytest.mark.parametrize(
    "common",
    ["Password123!", "Azerty123456!", "Motdepasse2024!", "Soleil-Marseille-13", "Bonjour2024!!"],
)
def test_common_passwords_are_refused_even_when_they_meet_the_rule(common):
    [message] = passwords.rule_errors(common)
    assert "trop courant" in message


def test_a_password_made_of_the_persons_own_details_is_refused():
    assert passwords.rule_errors("Claire-Martin1975!", ("CLAIRE", "MARTIN", "1975"))
    assert passwords.rule_errors("Claire-Martin1975!") == []


def test_too_long_passwords_are_refused_before_any_work():
    assert "128" in passwords.rule_errors("Aa1!" * 40)[0]


@pytest.mark.deployed_password_cost
def test_hashes_are_argon2id_and_verify():
    stored = passwords.hash_password("Gv7#plume-Ardoise")
    assert stored.startswith("$argon2id$")
    assert "Gv7#plume-Ardoise" not in stored
    assert passwords.verify_password(stored, "Gv7#plume-Ardoise")
    assert not passwords.verify_password(stored, "Gv7#plume-ardoise")
    assert not passwords.verify_password("not-a-hash", "x")
    assert not passwords.needs_rehash(stored)


@pytest.mark.deployed_password_cost
def test_the_deployed_hashes_use_rfc_9106s_low_memory_profile():
    """argon2id, 64 MiB, 3 passes, 4 lanes: RFC 9106's second recommended option."""
    parameters = passwords.hash_password("Gv7#plume-Ardoise").split("$")[3]
    assert parameters == "m=65536,t=3,p=4"


def test_a_long_password_up_to_the_limit_is_judged_not_an_error():
    """The strength check's library stops at 72 characters by default: 73 to 128 are ours."""
    long_one = "Gv7#plume-Ardoise-" + "bruyere-lichen-" * 7
    assert 72 < len(long_one) <= 128
    assert passwords.rule_errors(long_one) == []
