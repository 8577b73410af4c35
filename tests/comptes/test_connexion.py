

def test_changer_la_casse_du_courriel_ne_contourne_pas_le_verrou(client, planificateur):
    for _ in range(5):
        se_connecter(client, "Planificateur@EXEMPLE.test", "pas-le-bon")

    assert se_connecter(client, planificateur.email).status_code == 429
