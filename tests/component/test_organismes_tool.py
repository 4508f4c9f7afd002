"""The operators' command for organismes and their keys."""

from infra import organismes
from local.demo_catalogue import siret_for


def test_an_operator_registers_an_organisme_makes_a_key_and_revokes_it(aws, api, capsys):
    siret = siret_for(3)
    assert organismes.main(["creer", siret, "Institut", "contact@institut.fr"]) == 0
    assert organismes.main(["cle", siret]) == 0
    out = capsys.readouterr().out
    key = next(line for line in out.splitlines() if line.startswith("mce_org_"))
    assert key.startswith("mce_org_")
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get("/organismes/dossiers", headers=headers).status == 200
    assert organismes.main(["cles", siret]) == 0
    listing = capsys.readouterr().out.splitlines()
    key_id = next(line.split()[0] for line in listing if line.startswith("K"))
    assert key not in key_id
    assert organismes.main(["revoquer", siret, key_id]) == 0
    assert api.get("/organismes/dossiers", headers=headers).status == 401
    assert organismes.main(["revoquer", siret, key_id]) == 1
    assert organismes.main(["cle", "12345678901234"]) == 2
