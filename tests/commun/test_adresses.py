"""{% adresse %} rend exactement ce que rend {% url %}, sans refaire reverse à chaque ligne."""

from django.template import Context, Template
from django.urls import clear_script_prefix, set_script_prefix


def rendre(texte: str, **contexte) -> str:
    return Template("{% load adresses %}" + texte).render(Context(contexte))


def test_adresse_et_url_rendent_la_meme_chose_pour_des_entiers():
    for pk in (0, 1, 7, 42, 987654301, 10**12):
        attendu = rendre("{% url 'planification:historique' pk %}", pk=pk)
        assert rendre("{% adresse 'planification:historique' pk %}", pk=pk) == attendu
        assert attendu.endswith(f"/{pk}/historique/")
    assert rendre("{% adresse 'appels:instruction:candidature' 12 %}") == rendre(
        "{% url 'appels:instruction:candidature' 12 %}"
    )


def test_un_argument_qui_n_est_pas_un_entier_passe_par_reverse():
    gabarit = "{% X 'planification:historique_case' 'h2030' 'ACT-HLM' 5 %}"
    assert rendre(gabarit.replace("X", "adresse")) == rendre(gabarit.replace("X", "url"))


def test_le_prefixe_de_script_est_suivi():
    set_script_prefix("/praps/")
    try:
        assert rendre("{% adresse 'planification:historique' 3 %}").startswith("/praps/")
    finally:
        clear_script_prefix()
    assert not rendre("{% adresse 'planification:historique' 3 %}").startswith("/praps/")
